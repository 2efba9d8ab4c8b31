import { describe, expect, it } from 'vitest';
import { defineComponent, h } from 'vue';
import { flushPromises, mount } from '@vue/test-utils';
import { createMemoryHistory, createRouter } from 'vue-router';
import BoardFilters from './BoardFilters.vue';
import {
  emptyFilters,
  filtersFromQuery,
  filtersToQuery,
  projectMatcher,
  useBoardFilters,
} from '@/composables/useBoardFilters';
import { makeProject, testPlugins } from '@/test/boardFixtures';

/** The page's wiring in miniature: the URL is the filter state. */
const Host = defineComponent({
  setup() {
    const { filters, setFilters } = useBoardFilters();
    return () =>
      h(BoardFilters, {
        modelValue: filters.value,
        districts: ['昭阳区', '鲁甸县'],
        sectors: ['水务', '交通'],
        banks: [{ id: 'icbc', name: '工商银行' }],
        shown: 1,
        total: 2,
        'onUpdate:modelValue': setFilters,
      });
  },
});

async function mountAt(url: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Host }] });
  await router.push(url);
  await router.isReady();
  const wrapper = mount({ render: () => h(Host) }, { global: { plugins: [router, ...testPlugins()] } });
  return { router, wrapper };
}

describe('board filters in the URL', () => {
  it('reads the filters from the query and writes them back without touching other params', () => {
    const query = { district: '昭阳区', bank: 'icbc', stalled: '1', q: '污水', project: 'p9' };
    const filters = filtersFromQuery(query);
    expect(filters).toEqual({
      district: '昭阳区',
      bankId: 'icbc',
      sector: null,
      stalledOnly: true,
      blockedOnly: false,
      text: '污水',
    });
    expect(filtersToQuery(filters, query)).toEqual(query);
    expect(filtersToQuery(emptyFilters(), query)).toEqual({ project: 'p9' });
  });

  it('shows the state of the URL and puts a change back into it', async () => {
    const { router, wrapper } = await mountAt('/?stalled=1&project=p1');
    const stalled = wrapper.find('[data-filter="stalled"] input');
    expect((stalled.element as HTMLInputElement).checked).toBe(true);

    await wrapper.find('[data-filter="blocked"] input').setValue(true);
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ stalled: '1', blocked: '1', project: 'p1' });

    await wrapper.find('input[type="text"]').setValue('城南');
    await flushPromises();
    expect(router.currentRoute.value.query.q).toBe('城南');

    await wrapper.find('[data-filter="clear"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ project: 'p1' });
  });

  it('matches projects by district, bank, flags and text', () => {
    const stalledInLudian = makeProject({ id: 'a', name: '鲁甸县供水工程', district: '鲁甸县', leadBankId: 'ceb', bankIds: ['ceb'], stall: { stalled: true } });
    const plain = makeProject({ id: 'b', name: '城南污水处理厂', leadBankId: 'icbc' });
    const match = (query: Record<string, string>) =>
      [stalledInLudian, plain].filter(projectMatcher(filtersFromQuery(query))).map((p) => p.id);
    expect(match({ district: '鲁甸县' })).toEqual(['a']);
    expect(match({ bank: 'ceb' })).toEqual(['a']);
    expect(match({ bank: 'icbc' })).toEqual(['b']);
    expect(match({ stalled: '1' })).toEqual(['a']);
    expect(match({ q: '污水' })).toEqual(['b']);
    expect(match({})).toEqual(['a', 'b']);
  });
});
