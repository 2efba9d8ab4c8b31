import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import vuedraggable from 'vuedraggable';
import StageColumn from './StageColumn.vue';
import { makeCard, testPlugins } from '@/test/boardFixtures';

const WAN = 10_000;

function column(n: number) {
  return Array.from({ length: n }, (_, i) =>
    makeCard({
      id: `p${i}`,
      name: `项目${i}`,
      stage: 'approval',
      rank: `a${String(i).padStart(4, '0')}`,
      needTotal: 1000 * WAN,
      clearance: { need: 1000 * WAN, approved: 500 * WAN, disbursed: 100 * WAN },
    }),
  );
}

function mountColumn(projects = column(3), pageSize = 30) {
  return mount(StageColumn, {
    props: { stage: 'approval', projects, canMove: true, pageSize, bankName: () => '工商银行' },
    global: { plugins: testPlugins() },
  });
}

/** A SortableJS `end` event as vuedraggable forwards it. */
function dropEvent(projectId: string, from: string, to: string, oldIndex: number, newIndex: number) {
  const list = (stage: string) => {
    const element = document.createElement('ol');
    element.dataset.stage = stage;
    return element;
  };
  const fromList = list(from);
  const toList = from === to ? fromList : list(to);
  const item = document.createElement('li');
  item.dataset.id = projectId;
  return { item, from: fromList, to: toList, oldIndex, newIndex };
}

describe('StageColumn', () => {
  it('heads the column with the stage name, the card count and the money totals', () => {
    const wrapper = mountColumn();
    const head = wrapper.find('.cw-column__head').text();
    expect(head).toContain('审批中');
    expect(head).toContain('3 个');
    expect(head).toContain('3,000.00万元');
    expect(head).toContain('1,500.00万元');
    expect(head).toContain('300.00万元');
  });

  it('shows totals of 1亿 and more in 亿元', () => {
    const wrapper = mountColumn(column(12));
    expect(wrapper.find('.cw-column__head').text()).toContain('1.20亿元');
  });

  it('emits exactly one move when a card is dropped into another column', () => {
    const wrapper = mountColumn();
    wrapper.findComponent(vuedraggable).vm.$emit('end', dropEvent('p1', 'approval', 'approved', 1, 0));
    expect(wrapper.emitted('move')).toEqual([['p1', 'approved', 0]]);
  });

  it('emits a reorder inside the column, and nothing when the card is put back', () => {
    const wrapper = mountColumn();
    const draggable = wrapper.findComponent(vuedraggable);
    draggable.vm.$emit('end', dropEvent('p0', 'approval', 'approval', 0, 0));
    draggable.vm.$emit('end', dropEvent('p0', 'approval', 'approval', 0, 2));
    expect(wrapper.emitted('move')).toEqual([['p0', 'approval', 2]]);
  });

  it('renders a large column a page at a time', async () => {
    const wrapper = mountColumn(column(5000), 40);
    expect(wrapper.findAll('.column__item')).toHaveLength(40);
    expect(wrapper.find('.cw-column__count').text()).toBe('5000 个');
    await wrapper.find('.column__more').trigger('click');
    expect(wrapper.findAll('.column__item')).toHaveLength(80);
    expect(wrapper.find('.column__more').text()).toContain('4920');
  });

  it('names the lead bank again when the bank names change, and keeps a card\'s texts while they do not', async () => {
    const projects = [makeCard({ id: 'p0', name: '项目0', stage: 'approval', leadBankId: 'icbc' })];
    const wrapper = mountColumn(projects);
    const texts = wrapper.findComponent({ name: 'ProjectCard' }).props('texts');
    expect(wrapper.find('.card__meta').text()).toContain('工商银行');
    await wrapper.setProps({ pendingIds: new Set(['p0']) });
    expect(wrapper.findComponent({ name: 'ProjectCard' }).props('texts')).toBe(texts);
    await wrapper.setProps({ bankName: () => '工行昭通分行' });
    expect(wrapper.find('.card__meta').text()).toContain('工行昭通分行');
  });

  it('passes a card menu move through with the card position', async () => {
    const wrapper = mountColumn();
    const cards = wrapper.findAllComponents({ name: 'ProjectCard' });
    cards[1]!.vm.$emit('move', 'p1', 'approval', 2);
    expect(wrapper.emitted('move')).toEqual([['p1', 'approval', 2]]);
    expect(cards[1]!.props('place')('p1')).toEqual({ position: 1, columnLength: 3 });
  });
});
