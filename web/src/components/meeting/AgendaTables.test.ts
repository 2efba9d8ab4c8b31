import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { AgendaBankRow, AssignmentRow, BankTableTotal, MonthDiff, WaitingRow, WaitingTableTotal } from '@clearway/core';
import { testPlugins } from '@/test/boardFixtures';
import AssignmentsTable from './AssignmentsTable.vue';
import BankTable from './BankTable.vue';
import MonthDiffPanel from './MonthDiffPanel.vue';
import WaitingTable from './WaitingTable.vue';

const WAN = 10_000;

function waiting(overrides: Partial<WaitingRow>): WaitingRow {
  return {
    projectId: 'p',
    name: '项目',
    district: '昭阳区',
    sector: '水务',
    stage: 'approved',
    leadBankName: '工商银行',
    bankNames: ['工商银行'],
    approved: 1_000 * WAN,
    disbursed: 0,
    waiting: 1_000 * WAN,
    days: 10,
    level: 'ok',
    expectedMonth: '2026-06',
    responsibleUnit: '市住建局',
    ...overrides,
  };
}

function bank(overrides: Partial<AgendaBankRow>): AgendaBankRow {
  return {
    bankId: 'icbc',
    name: '工商银行',
    category: 'stateLarge',
    agreementAmount: 10_000 * WAN,
    projectCount: 2,
    lineCount: 2,
    need: 0,
    requested: 3_000 * WAN,
    approved: 2_000 * WAN,
    contracted: 1_500 * WAN,
    disbursed: 1_000 * WAN,
    disbursedInMonth: 400 * WAN,
    approvedNotDisbursed: 1_000 * WAN,
    change: { approved: 500 * WAN, contracted: 0, disbursed: 400 * WAN },
    agreementRate: 0.1,
    ...overrides,
  };
}

const mountWith = <T>(component: T, props: Record<string, unknown>) =>
  mount(component as never, { props: props as never, global: { plugins: testPlugins('zh-CN') } });

describe('WaitingTable', () => {
  const thresholds = { warnDays: 60, alarmDays: 90 };
  const rows = [
    waiting({ projectId: 'a', name: '城南污水厂', days: 95, level: 'alarm', waiting: 800 * WAN }),
    waiting({ projectId: 'b', name: '西区道路', days: 70, level: 'warn', waiting: 300 * WAN }),
    waiting({ projectId: 'c', name: '产业园', days: 12, level: 'ok', waiting: 100 * WAN }),
  ];

  // The 合计 row is core's (meetingTables); the table shows it as given.
  const total: WaitingTableTotal = { count: 3, approved: 3_000 * WAN, disbursed: 0, waiting: 1_200 * WAN, warnCount: 1, alarmCount: 1 };

  it('shows the days waiting and flags rows past 60 and 90 days', () => {
    const wrapper = mountWith(WaitingTable, { rows, total, thresholds });
    const flag = (id: string) => wrapper.find(`tr[data-project-id="${id}"] [data-test="waiting-flag"]`);
    expect(wrapper.find('tr[data-project-id="a"] [data-test="waiting-days"]').text()).toBe('95');
    expect(flag('a').text()).toBe('超90天');
    expect(flag('a').classes()).toContain('cw-pill--alarm');
    expect(flag('b').text()).toBe('超60天');
    expect(flag('b').classes()).toContain('cw-pill--warn');
    expect(flag('c').exists()).toBe(false);
  });

  it('shows the total row it is given and opens a project by its name', async () => {
    const wrapper = mountWith(WaitingTable, { rows, total, thresholds });
    expect(wrapper.find('[data-test="waiting-total"]').text()).toBe('1,200.00');
    expect(wrapper.find('caption').text()).toBe('单位：万元');
    await wrapper.find('tr[data-project-id="b"] button').trigger('click');
    expect(wrapper.emitted('open')).toEqual([['b']]);
  });

  it('says so when nothing waits', () => {
    const wrapper = mountWith(WaitingTable, { rows: [], total: { ...total, count: 0, approved: 0, waiting: 0, warnCount: 0, alarmCount: 0 }, thresholds });
    expect(wrapper.find('table').exists()).toBe(false);
    expect(wrapper.text()).toContain('没有已审批待投放的项目');
  });
});

describe('BankTable', () => {
  const total = (overrides: Partial<BankTableTotal> = {}): BankTableTotal => ({
    need: 0,
    requested: 3_000 * WAN,
    approved: 2_000 * WAN,
    contracted: 1_500 * WAN,
    disbursed: 1_000 * WAN,
    disbursedInMonth: 400 * WAN,
    approvedNotDisbursed: 1_000 * WAN,
    agreementAmount: 10_000 * WAN,
    lineCount: 2,
    change: { approved: 500 * WAN, contracted: 0, disbursed: 400 * WAN },
    agreementRate: 0.07,
    ...overrides,
  });

  it('shows month-on-month change and lending against the agreement, and the total row it is given', () => {
    const wrapper = mountWith(BankTable, { rows: [bank({})], total: total() });
    const row = wrapper.find('tr[data-bank-id="icbc"]');
    expect(row.find('[data-test="change-disbursed"]').text()).toBe('+400.00');
    expect(row.text()).toContain('10.0%');
    expect(wrapper.find('tfoot').text()).toContain('1,000.00');
    // 协议履约率 of the total comes from core (banks with an agreement only), not from the cells above.
    expect(wrapper.find('[data-test="total-agreement-rate"]').text()).toBe('7.0%');
    expect(wrapper.find('[data-test="total-change-disbursed"]').text()).toBe('+400.00');
  });

  it('explains the missing month-on-month columns before the first close', () => {
    const wrapper = mountWith(BankTable, { rows: [bank({ change: null })], total: total({ change: null }) });
    expect(wrapper.find('[data-test="change-disbursed"]').exists()).toBe(false);
    expect(wrapper.text()).toContain('尚无已关账月份');
  });
});

describe('AssignmentsTable', () => {
  const row = (overrides: Partial<AssignmentRow>): AssignmentRow => ({
    projectId: 'p1',
    projectName: '城南污水厂',
    assignmentId: 'a1',
    month: '2026-05',
    what: '协调用地预审',
    who: '市自然资源局',
    dueDate: '2026-05-20',
    createdAt: '2026-05-03T02:00:00.000Z',
    doneAt: null,
    overdue: false,
    daysOverdue: 0,
    state: 'assigned',
    light: 'green',
    reports: 0,
    ...overrides,
  });

  it('marks an open decision done through an event, and shows done and overdue ones', async () => {
    const rows = [row({}), row({ assignmentId: 'a2', overdue: true, daysOverdue: 4 }), row({ assignmentId: 'a3', doneAt: '2026-05-10T02:00:00.000Z' })];
    const wrapper = mountWith(AssignmentsTable, { rows, canComplete: true });
    expect(wrapper.find('tr[data-assignment-id="a2"]').text()).toContain('逾期4天');
    expect(wrapper.find('tr[data-assignment-id="a3"] [data-test="assignment-done"]').text()).toContain('2026-05-10');
    expect(wrapper.find('tr[data-assignment-id="a3"] [data-test="complete-assignment"]').exists()).toBe(false);
    await wrapper.find('tr[data-assignment-id="a1"] [data-test="complete-assignment"]').trigger('click');
    expect(wrapper.emitted('complete')).toEqual([['p1', 'a1']]);
  });

  it('offers no button to a reader', () => {
    const wrapper = mountWith(AssignmentsTable, { rows: [row({})], canComplete: false });
    expect(wrapper.find('[data-test="complete-assignment"]').exists()).toBe(false);
  });
});

describe('MonthDiffPanel', () => {
  const totals = {
    projectCount: 2,
    offFlowCount: 0,
    stalledCount: 0,
    openBlockerCount: 0,
    need: 0,
    requested: 0,
    approved: 0,
    contracted: 0,
    disbursed: 0,
    disbursedInMonth: 0,
    approvedNotDisbursed: 0,
  };
  const diff: MonthDiff = {
    fromMonth: '2026-04',
    toMonth: '2026-05',
    moved: [{ projectId: 'a', name: '城南污水厂', from: 'approval', to: 'approved', forward: true }],
    flagChanged: [],
    newlyApproved: [{ projectId: 'a', name: '城南污水厂', amount: 2_000 * WAN }],
    disbursed: [{ projectId: 'b', name: '西区道路', amount: 500 * WAN }],
    newlyStalled: [],
    resolved: [],
    newBlockers: [],
    newProjects: [],
    removedProjects: [],
    banks: [],
    totals: { previous: totals, current: { ...totals, disbursed: 500 * WAN }, delta: { ...totals, projectCount: 0, disbursed: 500 * WAN } },
  };

  it('lists what moved, was approved and was disbursed since the last closed month', () => {
    const wrapper = mountWith(MonthDiffPanel, { diff });
    expect(wrapper.text()).toContain('2026年4月 → 2026年5月');
    expect(wrapper.find('[data-test="diff-moved"]').text()).toContain('审批中 → 已审批待投放');
    expect(wrapper.find('[data-test="diff-newlyApproved"]').text()).toContain('2,000.00万元');
    expect(wrapper.find('[data-test="diff-disbursed"]').text()).toContain('西区道路');
    expect(wrapper.find('[data-test="diff-newlyStalled"]').text()).toContain('无');
  });

  it('says there is nothing to compare with before the first close', () => {
    const wrapper = mountWith(MonthDiffPanel, { diff: { ...diff, fromMonth: null } });
    expect(wrapper.text()).toContain('尚无已关账月份');
    expect(wrapper.find('[data-test="diff-moved"]').exists()).toBe(false);
  });
});
