import { describe, expect, it, vi } from 'vitest';
import { mount } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { useDomainText } from '@/composables/useDomainText';
import { makeCard, testPlugins } from '@/test/boardFixtures';
import { keptCardTexts, type DomainText } from './cardTexts';

function domainText(): DomainText {
  let text: DomainText | null = null;
  mount(
    defineComponent({
      setup() {
        text = useDomainText();
        return () => null;
      },
    }),
    { global: { plugins: testPlugins() } },
  ).unmount();
  return text!;
}

describe('kept card texts', () => {
  const card = makeCard({ id: 'p1', name: '城南污水处理厂', stage: 'approval', leadBankId: 'icbc' });

  it('keeps the texts of a card, and of its copy at a move\'s new place', () => {
    const textsOf = keptCardTexts(domainText(), () => '工商银行', false);
    const texts = textsOf(card);
    expect(texts.leadBank).toBe('工商银行');
    expect(textsOf(card)).toBe(texts);
    expect(textsOf({ ...card, stage: 'approved', rank: 'zz' })).toBe(texts);
  });

  it('makes them again for a card that changed', () => {
    const textsOf = keptCardTexts(domainText(), () => '工商银行', false);
    const texts = textsOf(card);
    const renamed = textsOf({ ...card, name: '城南污水处理厂二期' });
    expect(renamed).not.toBe(texts);
    expect(renamed.label).toContain('城南污水处理厂二期');
  });

  it('translates a status, a flag or a blocker many cards share once', () => {
    const text = domainText();
    const statusLabel = vi.fn(text.statusLabel);
    const blockerLabel = vi.fn(text.blockerLabel);
    const textsOf = keptCardTexts({ ...text, statusLabel, blockerLabel }, () => '工商银行', false);
    const blocker = { id: 'b1', tag: 'permits', party: '自然资源局' } as const;
    const blocked = (id: string) =>
      makeCard({ id, name: id, stage: 'approval', clearance: { status: 'blocked', openBlockers: [{ ...blocker, id: `${id}-b` }] } });
    const [one, two] = [textsOf(blocked('p1')), textsOf(blocked('p2'))];
    expect(two.status).toBe(one.status);
    expect(two.blockers[0]!.text).toBe(one.blockers[0]!.text);
    expect(one.blockers[0]!.text).toContain('自然资源局');
    expect(statusLabel).toHaveBeenCalledTimes(1);
    expect(blockerLabel).toHaveBeenCalledTimes(1);
    const other = textsOf(makeCard({ id: 'p3', name: 'p3', stage: 'approval', clearance: { status: 'cleared' } }));
    expect(other.status).not.toBe(one.status);
    expect(statusLabel).toHaveBeenCalledTimes(2);
  });

  it('translates a text without parameters many cards show once, and one with parameters for each card', () => {
    const text = domainText();
    const t = vi.fn(text.t);
    const textsOf = keptCardTexts({ ...text, t: t as unknown as DomainText['t'] }, () => '工商银行', false);
    const notApproved = (id: string) => textsOf(makeCard({ id, name: `项目${id}`, stage: 'approval', clearance: { approved: 0 } }));
    const [one, two] = [notApproved('p1'), notApproved('p2')];
    expect(two.progress).toBe(one.progress);
    expect(t.mock.calls.filter(([key]) => key === 'board.card.notApproved')).toHaveLength(1);
    expect([one.label, two.label]).toEqual([expect.stringContaining('项目p1'), expect.stringContaining('项目p2')]);
    expect(t.mock.calls.filter(([key]) => key === 'board.card.open')).toHaveLength(2);
  });
});
