import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { Actor } from '@clearway/core';
import LoanLinesList from './LoanLinesList.vue';
import { testPlugins } from '@/test/boardFixtures';
import { WAN, makeLine } from '@/test/projectFixtures';

const lines = [
  makeLine({ id: 'l-icbc', bankId: 'icbc', approved: 1_000 * WAN, approvedDate: '2026-01-10', status: 'approved' }),
  makeLine({ id: 'l-ceb', bankId: 'ceb', approved: 800 * WAN, approvedDate: '2026-01-12', status: 'approved' }),
];
const bankNames = { icbc: '工商银行', ceb: '光大银行' };

function mountAs(actor: Pick<Actor, 'role' | 'bankId'>, hiddenBankIds: string[] = []) {
  return mount(LoanLinesList, { props: { lines, bankNames, actor, hiddenBankIds }, global: { plugins: testPlugins('zh-CN') } });
}

describe('LoanLinesList', () => {
  it("shows a liaison the record buttons on their own bank's line only, and a note on the others", () => {
    const wrapper = mountAs({ role: 'liaison', bankId: 'icbc' });
    const own = wrapper.find('[data-test="line-l-icbc"]');
    const other = wrapper.find('[data-test="line-l-ceb"]');
    expect(own.find('[data-test="record-approval"]').exists()).toBe(true);
    expect(own.find('[data-test="record-tranche"]').exists()).toBe(true);
    expect(own.find('[data-test="other-bank-note"]').exists()).toBe(false);
    expect(other.find('button').exists()).toBe(false);
    expect(other.find('[data-test="other-bank-note"]').text()).toContain('光大银行');
    expect(wrapper.find('[data-test="add-line"]').exists()).toBe(false);
  });

  it('lets bureau staff record on every line and add lines', () => {
    const wrapper = mountAs({ role: 'staff', bankId: null });
    for (const id of ['l-icbc', 'l-ceb']) {
      expect(wrapper.find(`[data-test="line-${id}"] [data-test="record-contract"]`).exists()).toBe(true);
    }
    expect(wrapper.find('[data-test="other-bank-note"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="add-line"]').exists()).toBe(true);
  });

  it('gives a viewer no buttons at all', () => {
    const wrapper = mountAs({ role: 'viewer', bankId: null });
    expect(wrapper.findAll('button')).toHaveLength(0);
  });

  it('names the banks whose lines the liaison cannot read', () => {
    const wrapper = mountAs({ role: 'liaison', bankId: 'icbc' }, ['boc']);
    expect(wrapper.find('[data-test="hidden-bank-note"]').text()).toContain('boc');
  });

  it('emits the line and the kind of record when a button is pressed', async () => {
    const wrapper = mountAs({ role: 'liaison', bankId: 'icbc' });
    await wrapper.find('[data-test="line-l-icbc"] [data-test="record-tranche"]').trigger('click');
    expect(wrapper.emitted('record')?.[0]).toEqual(['tranche', lines[0]]);
  });
});
