import { describe, expect, it } from 'vitest';
import { h } from 'vue';
import { mount } from '@vue/test-utils';
import { onBehalfSteps, reminderLetters, type Project } from '@clearway/core';
import { makeProject } from '@clearway/core/testing';
import { testPlugins } from '@/test/boardFixtures';
import OnBehalfSteps from './OnBehalfSteps.vue';
import ReminderLetterSheet from './ReminderLetterSheet.vue';

type Assignment = Project['assignments'][number];
type AssignmentStep = NonNullable<Assignment['acknowledged']>;

// Wednesday 2026-04-01, noon in Shanghai.
const NOW = new Date('2026-04-01T04:00:00.000Z');
const step = (at: string): AssignmentStep => ({ at, by: 'u', byName: '某人', text: '进展' });
const assignment = (id: string, who: string, dueDate: string, extra: Partial<Assignment> = {}): Assignment => ({
  id, month: '2026-03', what: `事项${id}`, who, dueDate, createdAt: '2026-03-20T02:00:00.000Z', doneAt: null, ...extra,
});
const projects = [
  makeProject({
    id: 'p1', name: '污水处理厂',
    assignments: [
      assignment('a1', '市住建局', '2026-03-25'),
      assignment('a2', '市住建局', '2026-04-03', { acknowledged: step('2026-03-21T02:00:00.000Z'), reports: [step('2026-03-28T02:00:00.000Z')] }),
    ],
  }),
];
const banks = [{ id: 'icbc', name: '工商银行' }];
const STAFF = { uid: 's', name: '王科长', role: 'staff' as const, bankId: null };

function mountLetter(locale: 'zh-CN' | 'en' = 'zh-CN', withActions = false) {
  // As issued: `letter.issue` gave it its number.
  const letter = { ...reminderLetters(projects, banks, NOW, { month: '2026-03' })[0]!, serial: 1 };
  return mount(ReminderLetterSheet, {
    props: { letter, issuer: '昭通市财政局', contactName: '王科长', contactPhone: '0870-2120000', monthLabel: '2026年3月', printable: true },
    slots: withActions
      ? {
          actions: ({ item }: { item: { assignmentId: string } }) => {
            const a = projects[0]!.assignments.find((x) => x.id === item.assignmentId)!;
            return h(OnBehalfSteps, { steps: onBehalfSteps(STAFF, a, banks, null), party: a.who });
          },
        }
      : {},
    global: { plugins: testPlugins(locale) },
  });
}

describe('ReminderLetterSheet', () => {
  it('reads as the bureau letter to one party: issuer, number, addressee, counts, reply date, the list, contact', () => {
    const wrapper = mountLetter();
    const text = wrapper.text();
    expect(text).toContain('昭通市财政局');
    expect(text).toContain('〔2026〕1号');
    expect(wrapper.get('[data-test="letter-addressee"]').text()).toBe('市住建局：');
    expect(wrapper.get('[data-test="letter-body"]').text()).toContain('根据2026年3月重点项目融资调度会议安排，贵单位负责办理的确定事项尚有2项未销号，其中已逾期1项');
    expect(wrapper.get('[data-test="letter-body"]').text()).toContain('并于2026年4月6日前将办理情况书面反馈我局');
    const rows = wrapper.findAll('[data-test="letter-items"] tbody tr');
    expect(rows.map((r) => r.attributes('data-assignment-id'))).toEqual(['a1', 'a2']);
    expect(rows[0]!.text()).toContain('逾期7天');
    expect(rows[0]!.text()).toContain('已超过完成时限');
    expect(rows[1]!.text()).toContain('剩3天');
    expect(rows[1]!.text()).toContain('已反馈1次，最近2026-03-28');
    expect(text).toContain('2026年4月1日');
    expect(wrapper.get('[data-test="letter-contact"]').text()).toBe('（联系人：王科长；联系电话：0870-2120000）');
  });

  it('has a blank to fill in when no contact is set, and English words in English', () => {
    const letter = reminderLetters(projects, banks, NOW)[0]!;
    const wrapper = mount(ReminderLetterSheet, {
      props: { letter, issuer: 'Finance Bureau', contactName: '', contactPhone: '', monthLabel: null },
      global: { plugins: testPlugins('en') },
    });
    expect(wrapper.get('[data-test="letter-addressee"]').text()).toBe('To 市住建局:');
    expect(wrapper.get('[data-test="letter-body"]').text()).toContain('2 decision(s)');
    expect(wrapper.get('[data-test="letter-contact"]').text()).toContain('Contact: ____');
    // Not issued yet: no number until it is printed.
    expect(wrapper.get('[data-test="letter-number"]').text()).toBe('No. — (2026, numbered when printed)');
    expect(wrapper.find('[data-test="print-one"]').exists()).toBe(false);
  });

  it('asks to print its own party', async () => {
    const wrapper = mountLetter();
    await wrapper.get('[data-test="print-one"]').trigger('click');
    expect(wrapper.emitted('print')).toEqual([['市住建局']]);
  });

  it('offers staff the 代为登记 steps of each item by its state, and says which step was asked for', async () => {
    const wrapper = mountLetter('zh-CN', true);
    const rows = wrapper.findAll('[data-test="letter-items"] tbody tr');
    expect(rows[0]!.findAll('[data-test^="on-behalf-"]').map((b) => b.text())).toEqual(['代为签收']);
    expect(rows[1]!.findAll('[data-test^="on-behalf-"]').map((b) => b.text())).toEqual(['代为反馈', '代为申请办结']);
    const buttons = wrapper.findAllComponents(OnBehalfSteps);
    await rows[1]!.get('[data-test="on-behalf-report"]').trigger('click');
    expect(buttons[1]!.emitted('step')).toEqual([['report']]);
  });
});

describe('OnBehalfSteps', () => {
  it('shows nothing for a party member, a liaison or a closed item', () => {
    const liaison = { uid: 'l', name: '赵经理', role: 'liaison' as const, bankId: 'icbc' };
    const a = projects[0]!.assignments[0]!;
    for (const steps of [onBehalfSteps(STAFF, a, banks, true), onBehalfSteps(liaison, a, banks, null), onBehalfSteps(STAFF, { ...a, doneAt: NOW.toISOString() }, banks, null)]) {
      const wrapper = mount(OnBehalfSteps, { props: { steps, party: a.who }, global: { plugins: testPlugins() } });
      expect(wrapper.find('[data-test="on-behalf"]').exists()).toBe(false);
    }
  });
});
