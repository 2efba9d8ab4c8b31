import { describe, expect, it } from 'vitest';
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
});
