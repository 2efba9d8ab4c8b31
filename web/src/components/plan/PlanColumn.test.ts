import { beforeAll, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import vuedraggable from 'vuedraggable';
import { makeProject, testPlugins } from '@/test/boardFixtures';
import PlanColumn from './PlanColumn.vue';
import PlanCard from './PlanCard.vue';
import { loadCardMenuDropdown } from '@/components/common/LazyCardMenu.vue';
import { planDropOf } from './planDrop';
import type { PlanColumnView } from './types';

const WAN = 10_000;
const MONTHS = ['2026-05', '2026-06', '2026-07'];

function column(overrides: Partial<PlanColumnView> = {}): PlanColumnView {
  const project = makeProject({ id: 'p1', name: '城南污水厂', expectedMonth: '2026-05', stage: 'approved' });
  return { key: '2026-05', dropMonth: '2026-05', current: true, cards: [{ project, planned: 800 * WAN }], planned: 800 * WAN, ...overrides };
}

function list(columnKey: string): HTMLElement {
  const element = document.createElement('ol');
  element.dataset.column = columnKey;
  return element;
}

function dropEvent(projectId: string, from: string, to: string) {
  const item = document.createElement('li');
  item.dataset.id = projectId;
  return { item, from: list(from), to: list(to), oldIndex: 0, newIndex: 0 };
}

function mountColumn(props: Partial<{ column: PlanColumnView; canMove: boolean }> = {}) {
  return mount(PlanColumn, {
    props: { column: column(), title: '2026年5月（本月）', canMove: true, menuMonths: MONTHS, ...props },
    global: { plugins: testPlugins('zh-CN') },
  });
}

describe('planDropOf', () => {
  it('reads the card and the target column of a drop, and ignores a drop back into the same column', () => {
    expect(planDropOf(dropEvent('p1', '2026-05', '2026-07'))).toEqual({ projectId: 'p1', toColumn: '2026-07' });
    expect(planDropOf(dropEvent('p1', '2026-05', '2026-05'))).toBeNull();
    expect(planDropOf(dropEvent('', '2026-05', '2026-07'))).toBeNull();
  });
});

describe('PlanColumn', () => {
  it('heads the column with its month, card count and planned amount', () => {
    const wrapper = mountColumn();
    expect(wrapper.find('.cw-column__title').text()).toContain('2026年5月（本月）');
    expect(wrapper.find('.cw-column__count').text()).toBe('1');
    expect(wrapper.find('.plan-column__planned').text()).toBe('计划投放 800.00万元');
  });

  it('emits one drop when a card is dragged to another month', async () => {
    const wrapper = mountColumn();
    wrapper.findComponent(vuedraggable).vm.$emit('end', dropEvent('p1', '2026-05', '2026-07'));
    await flushPromises();
    expect(wrapper.emitted('drop')).toEqual([['p1', '2026-07']]);
  });

  it('takes no drops in the overdue column and no drags from a reader', () => {
    const overdue = mountColumn({ column: column({ key: 'overdue', dropMonth: undefined, current: false }) });
    expect(overdue.findComponent(vuedraggable).vm.$attrs.group).toEqual({ name: 'plan', pull: true, put: false });
    const month = mountColumn();
    expect(month.findComponent(vuedraggable).vm.$attrs.group).toEqual({ name: 'plan', pull: true, put: true });
    const reader = mountColumn({ canMove: false });
    expect(reader.findComponent(vuedraggable).vm.$attrs.disabled).toBe(true);
    expect(reader.find('[data-test="reschedule-menu"]').exists()).toBe(false);
  });

  it('passes a reschedule from the card menu (the keyboard path) up with the chosen month', async () => {
    const wrapper = mountColumn();
    wrapper.findComponent(PlanCard).vm.$emit('reschedule', 'p1', '2026-06');
    wrapper.findComponent(PlanCard).vm.$emit('reschedule', 'p1', null);
    await flushPromises();
    expect(wrapper.emitted('reschedule')).toEqual([
      ['p1', '2026-06'],
      ['p1', null],
    ]);
  });
});

describe('PlanCard', () => {
  // The menu's dropdown is a lazily loaded chunk: fetched once here, so a menu opens within a flush.
  beforeAll(() => loadCardMenuDropdown());

  it('offers the months of the menu, without the current one, and clearing the month', async () => {
    // Dropdown menus of cards mounted by earlier tests are teleported here too.
    document.body.innerHTML = '';
    const project = makeProject({ id: 'p1', name: '城南污水厂', expectedMonth: '2026-06' });
    const wrapper = mount(PlanCard, {
      props: { project, planned: 500 * WAN, leadBankName: '工商银行', canMove: true, menuMonths: MONTHS },
      global: { plugins: testPlugins('zh-CN') },
      attachTo: document.body,
    });
    await wrapper.find('[data-test="reschedule-menu"]').trigger('click');
    await flushPromises();
    const items = [...document.body.querySelectorAll('.el-dropdown-menu__item')];
    expect(items.map((item) => item.textContent?.trim())).toEqual(['2026年5月', '2026年6月', '2026年7月', '取消预计投放月']);
    expect(items[1]?.getAttribute('aria-disabled')).toBe('true');
    (items[2] as HTMLElement).click();
    await flushPromises();
    expect(wrapper.emitted('reschedule')).toEqual([['p1', '2026-07']]);
    wrapper.unmount();
  });
});
