import { afterEach, describe, expect, it } from 'vitest';
import { h } from 'vue';
import { mount, type VueWrapper } from '@vue/test-utils';
import ColumnShell from './ColumnShell.vue';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function mountShell(props: Record<string, unknown>) {
  wrapper = mount(ColumnShell, {
    props: { title: '已审批', count: 2, emptyText: '暂无项目', ...props },
    attrs: { 'data-stage-column': 'approved' },
    slots: {
      totals: '<p class="totals">融资需求 1.20亿元</p>',
      default: '<ol class="cw-column__list"><li>甲</li><li>乙</li></ol>',
      footer: '<button class="more">再显示 3 个</button>',
    },
  });
  return wrapper;
}

describe('ColumnShell', () => {
  it('renders the title, the count, the totals, the list and the footer, and names the section by its heading', () => {
    const column = mountShell({});
    const section = column.get('section');
    expect(section.attributes('data-stage-column')).toBe('approved');
    const heading = column.get('h2');
    expect(heading.text()).toBe('已审批');
    expect(section.attributes('aria-labelledby')).toBe(heading.attributes('id'));
    expect(column.get('.cw-column__count').text()).toBe('2');
    expect(column.get('.cw-column__head .totals').text()).toBe('融资需求 1.20亿元');
    expect(column.findAll('.cw-column__scroll li').map((li) => li.text())).toEqual(['甲', '乙']);
    expect(column.find('.cw-column__scroll .more').exists()).toBe(true);
    expect(column.find('.cw-column__empty').exists()).toBe(false);
  });

  it('shows the empty line when the count is 0, and the owner’s count text, label and heading id', () => {
    const column = mountShell({ count: 0, countText: '0 个', countLabel: '0 个项目', headingId: 'stage-approved-heading' });
    expect(column.get('.cw-column__empty').text()).toBe('暂无项目');
    const count = column.get('.cw-column__count');
    expect(count.text()).toBe('0 个');
    expect(count.attributes('aria-label')).toBe('0 个项目');
    expect(column.get('h2').attributes('id')).toBe('stage-approved-heading');
    expect(column.get('section').attributes('aria-labelledby')).toBe('stage-approved-heading');
  });

  it('two columns of one page get different heading ids of their own', () => {
    const page = mount(() => [h(ColumnShell, { title: 'A', count: 0, emptyText: '-' }), h(ColumnShell, { title: 'B', count: 0, emptyText: '-' })]);
    const ids = page.findAll('h2').map((heading) => heading.attributes('id'));
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    page.unmount();
  });
});
