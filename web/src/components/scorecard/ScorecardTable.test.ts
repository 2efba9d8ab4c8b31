import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { bankScorecard, bankScorecardForBank, DEFAULT_SCORECARD_WEIGHTS, type ScorecardInput } from '@clearway/core';
import { testPlugins } from '@/test/boardFixtures';
import ScorecardTable from './ScorecardTable.vue';
import ScorecardWeightsForm from './ScorecardWeightsForm.vue';

const M = 1_000_000;
const input: Omit<ScorecardInput, 'weights'> = {
  quarter: '2026-Q3',
  banks: [
    { id: 'icbc', name: '工商银行', agreementAmount: 1000 * M },
    { id: 'ccb', name: '建设银行', agreementAmount: 0 },
  ],
  lines: [
    { bankId: 'icbc', approved: 300 * M, approvedDate: '2026-07-15', tranches: [{ id: 't1', date: '2026-08-01', amount: 50 * M, recordedAt: '2026-08-01T02:00:00.000Z', recordedBy: 'u' }] },
    { bankId: 'ccb', approved: 150 * M, approvedDate: '2026-09-30', tranches: [{ id: 't2', date: '2026-09-30', amount: 100 * M, recordedAt: '2026-09-30T02:00:00.000Z', recordedBy: 'u' }] },
  ],
  rounds: [],
  assignments: [{ who: '建设银行', dueDate: '2026-08-10', doneAt: '2026-08-09T02:00:00.000Z' }],
  now: new Date('2026-10-20T02:00:00.000Z'),
};

describe('ScorecardTable', () => {
  it('lists the banks in rank order with their figures, scores, total score and a 合计 row', () => {
    const card = bankScorecard({ ...input, weights: { ...DEFAULT_SCORECARD_WEIGHTS } });
    const wrapper = mount(ScorecardTable, { props: { rows: card.rows, total: card.total, weights: card.weights }, global: { plugins: testPlugins() } });
    const rows = wrapper.findAll('tbody tr');
    // ccb: (50·25 + 100·30 + 100·10) / 65 = 80.8; icbc: (100·25 + 50·30 + 5·20) / 75 = 54.7.
    expect(rows.map((row) => row.find('th').text())).toEqual(['建设银行', '工商银行']);
    expect(wrapper.get('[data-test="scorecard-row-ccb"] [data-test="scorecard-total"]').text()).toBe('80.8');
    expect(wrapper.get('[data-test="scorecard-row-icbc"] [data-test="scorecard-total"]').text()).toBe('54.7');
    expect(wrapper.get('[data-test="scorecard-row-icbc"] [data-test="scorecard-rank"]').text()).toBe('2');
    expect(wrapper.get('[data-test="scorecard-row-icbc"]').text()).toContain('3.00亿元');
    expect(wrapper.get('[data-test="scorecard-row-icbc"]').text()).toContain('100.0 分');
    // No round in the quarter: not scored, shown as a dash.
    expect(wrapper.get('[data-test="scorecard-row-icbc"] [data-test="scorecard-reporting"]').text()).toBe('—');
    expect(wrapper.get('thead').text()).toContain('新增投放（30%）');
    const total = wrapper.get('[data-test="scorecard-total-row"]').text();
    expect(total).toContain('合计（2 家）');
    expect(total).toContain('4.50亿元');
    expect(total).toContain('1.50亿元');
  });

  it('shows the total row’s rates as core computed them', () => {
    const card = bankScorecard({ ...input, weights: { ...DEFAULT_SCORECARD_WEIGHTS } });
    expect(card.total.followUpRate).toBe(1);
    const wrapper = mount(ScorecardTable, { props: { rows: card.rows, total: { ...card.total, followUpRate: 0.25 }, weights: card.weights }, global: { plugins: testPlugins() } });
    const cells = wrapper.findAll('[data-test="scorecard-total-row"] td');
    expect(cells.at(-2)!.text()).toBe('1/1 25.0%');
    // No round in the quarter: a tally of nothing, and no rate.
    expect(cells.at(-3)!.text()).toBe('—');
  });

  it('shows a liaison’s own row without a rank, a score or a total row', () => {
    const own = bankScorecardForBank(input, 'icbc')!;
    const wrapper = mount(ScorecardTable, { props: { rows: [own], total: null, weights: null }, global: { plugins: testPlugins() } });
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
    expect(wrapper.find('[data-test="scorecard-rank"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="scorecard-total"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="scorecard-total-row"]').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('分');
    expect(wrapper.text()).toContain('5.0%');
  });
});

describe('ScorecardWeightsForm', () => {
  it('sends the weights only when they add up to 100', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 1 }, global: { plugins: testPlugins() } });
    expect(wrapper.get('[data-test="scorecard-weights-sum"]').text()).toBe('合计 100');
    const approvals = wrapper.get('[data-test="scorecard-weight-approvals"] input');
    await approvals.setValue('35');
    await approvals.trigger('blur');
    expect(wrapper.get('[data-test="scorecard-weights-sum"]').text()).toBe('合计 110，须为 100');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('submit')).toBeUndefined();
    const disbursements = wrapper.get('[data-test="scorecard-weight-disbursements"] input');
    await disbursements.setValue('20');
    await disbursements.trigger('blur');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('submit')![0]).toEqual([{ approvals: 35, disbursements: 20, fulfilment: 20, reporting: 15, followUp: 10 }, 1]);
  });

  it('shows the server’s refusal in the user’s language', () => {
    const wrapper = mount(ScorecardWeightsForm, {
      props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 1, fieldErrors: [{ path: 'weights.weights', messageKey: 'errors.scorecard.weightsSum' }] },
      global: { plugins: testPlugins() },
    });
    expect(wrapper.get('[role="alert"]').text()).toBe('各项权重合计须为 100');
  });
  it('keeps unsaved edits when another settings document changes (same weights version)', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 3 }, global: { plugins: testPlugins() } });
    const approvals = wrapper.get('[data-test="scorecard-weight-approvals"] input');
    await approvals.setValue('35');
    await approvals.trigger('blur');
    // A reporting round was saved: the store hands a fresh but equal weights object, same version.
    await wrapper.setProps({ weights: { ...DEFAULT_SCORECARD_WEIGHTS } });
    expect(wrapper.get('[data-test="scorecard-weights-sum"]').text()).toBe('合计 110，须为 100');
    expect(wrapper.find('[data-test="scorecard-weights-changed"]').exists()).toBe(false);
  });

  it('follows a new weights version when nothing is edited', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 3 }, global: { plugins: testPlugins() } });
    await wrapper.setProps({ weights: { approvals: 40, disbursements: 20, fulfilment: 20, reporting: 10, followUp: 10 }, version: 4 });
    expect((wrapper.get('[data-test="scorecard-weight-approvals"] input').element as HTMLInputElement).value).toBe('40');
    expect(wrapper.find('[data-test="scorecard-weights-changed"]').exists()).toBe(false);
  });

  it('says the stored weights changed under unsaved edits, and takes them only when asked', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 3 }, global: { plugins: testPlugins() } });
    const approvals = wrapper.get('[data-test="scorecard-weight-approvals"] input');
    await approvals.setValue('35');
    await approvals.trigger('blur');
    await wrapper.setProps({ weights: { approvals: 40, disbursements: 20, fulfilment: 20, reporting: 10, followUp: 10 }, version: 4 });
    expect((approvals.element as HTMLInputElement).value).toBe('35');
    expect(wrapper.get('[data-test="scorecard-weights-changed"]').text()).toContain('新增审批（40%）');
    await wrapper.get('[data-test="scorecard-weights-take"]').trigger('click');
    expect((approvals.element as HTMLInputElement).value).toBe('40');
    expect(wrapper.find('[data-test="scorecard-weights-changed"]').exists()).toBe(false);
  });

  it('a save under a newer stored version sends the version the edits started from (refused as stale, not overwriting)', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 3 }, global: { plugins: testPlugins() } });
    const approvals = wrapper.get('[data-test="scorecard-weight-approvals"] input');
    await approvals.setValue('35');
    await approvals.trigger('blur');
    const fulfilment = wrapper.get('[data-test="scorecard-weight-fulfilment"] input');
    await fulfilment.setValue('10');
    await fulfilment.trigger('blur');
    // Another admin saved meanwhile: the notice shows, and saving anyway carries version 3.
    await wrapper.setProps({ weights: { approvals: 30, disbursements: 30, fulfilment: 20, reporting: 10, followUp: 10 }, version: 4 });
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('submit')![0]![1]).toBe(3);
    // Taking the stored weights moves the base: the next save expects version 4.
    await wrapper.get('[data-test="scorecard-weights-take"]').trigger('click');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('submit')![1]![1]).toBe(4);
  });

  it('takes the new version quietly when it is what the admin typed (their own save)', async () => {
    const wrapper = mount(ScorecardWeightsForm, { props: { weights: { ...DEFAULT_SCORECARD_WEIGHTS }, version: 3 }, global: { plugins: testPlugins() } });
    const approvals = wrapper.get('[data-test="scorecard-weight-approvals"] input');
    await approvals.setValue('35');
    await approvals.trigger('blur');
    await wrapper.setProps({ weights: { ...DEFAULT_SCORECARD_WEIGHTS, approvals: 35 }, version: 4 });
    expect(wrapper.find('[data-test="scorecard-weights-changed"]').exists()).toBe(false);
    // Edited again after the save, then another admin's save: the notice compares with the new base.
    await wrapper.setProps({ weights: { ...DEFAULT_SCORECARD_WEIGHTS, approvals: 35 }, version: 5 });
    expect(wrapper.find('[data-test="scorecard-weights-changed"]').exists()).toBe(false);
  });
});
