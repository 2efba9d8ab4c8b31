import { describe, expect, it, afterEach, beforeAll } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { defineComponent } from 'vue';
import { ElDropdown } from 'element-plus';
import type { BoardCard } from '@clearway/core';
import { useDomainText } from '@/composables/useDomainText';
import ProjectCard from './ProjectCard.vue';
import { cardTexts, cardWords, type CardTexts, type CardWords } from './cardTexts';
import { loadCardMenuDropdown } from '@/components/common/LazyCardMenu.vue';
import { makeCard, testPlugins } from '@/test/boardFixtures';

const WAN = 10_000;

const stalledApproved = makeCard({
  id: 'p-42',
  name: '昭阳区城市更新项目',
  district: '昭阳区',
  stage: 'approved',
  leadBankId: 'icbc',
  needTotal: 3000 * WAN,
  clearance: {
    need: 3000 * WAN,
    approved: 2600 * WAN,
    disbursed: 800 * WAN,
    disbursementRate: 800 / 2600,
    status: 'stalled',
    openBlockers: [{ id: 'b1', tag: 'drawdown', party: '工商银行昭通分行' }],
  },
  stall: {
    stalled: true,
    flags: [
      {
        rule: 'stageLimit',
        since: '2026-02-01T16:00:00.000Z',
        params: { basis: 'stage', stage: 'approved', days: 95, limit: 90, level: 'alarm' },
      },
    ],
  },
});

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
  document.body.innerHTML = '';
});

type Locale = 'zh-CN' | 'en';

/** What the column hands a card: its texts and the shared words, made in `locale`. */
function textsFor(project: BoardCard, locale: Locale): { texts: CardTexts; words: CardWords } {
  let made: { texts: CardTexts; words: CardWords } | null = null;
  const probe = mount(
    defineComponent({
      setup() {
        const text = useDomainText();
        made = { texts: cardTexts(project, text, () => '工商银行', false), words: cardWords(text) };
        return () => null;
      },
    }),
    { global: { plugins: testPlugins(locale) } },
  );
  probe.unmount();
  return made!;
}

function mountCard(props: { project?: BoardCard; canMove?: boolean } = {}, locale: Locale = 'zh-CN') {
  const project = props.project ?? stalledApproved;
  wrapper = mount(ProjectCard, {
    props: { project, ...textsFor(project, locale), canMove: props.canMove ?? true, place: () => ({ position: 1, columnLength: 3 }) },
    global: { plugins: testPlugins(locale) },
    attachTo: document.body,
  });
  return wrapper;
}

// The menu's dropdown is a lazily loaded chunk: fetched once here, so a menu opens within a flush.
beforeAll(() => loadCardMenuDropdown());

describe('ProjectCard', () => {
  it('shows the stall badge with its reason, the progress and the blocker with its party', () => {
    const card = mountCard();
    const text = card.text();
    expect(text).toContain('昭阳区城市更新项目');
    expect(text).toContain('工商银行');
    expect(card.find('.card__stall').text()).toContain('停滞');
    expect(card.find('.card__stall').text()).toContain('在「已审批待投放」停留 95 天，超过时限 90 天');
    expect(card.find('.card__progress-text').text()).toBe('已投放 800.00万元 / 已审批 2,600.00万元（30.8%）');
    expect(card.find('.card__bar-disbursed').attributes('style')).toContain('width: 26.6');
    expect(card.find('.card__bar-approved').attributes('style')).toContain('width: 86.6');
    expect(card.find('.card__tags').text()).toContain('放款·工商银行昭通分行');
    expect(card.find('.card__status').text()).toBe('停滞');
  });

  it('speaks English when the locale is en', () => {
    const card = mountCard({}, 'en');
    expect(card.find('.card__stall').text()).toContain('95 days in “Approved, not disbursed”, over the 90-day limit');
  });

  it('shows a warning, not a stall, for an approved-not-disbursed warning flag', () => {
    const project = makeCard({
      stage: 'approved',
      clearance: { approved: 1000 * WAN, status: 'cleared' },
      stall: {
        stalled: false,
        flags: [
          {
            rule: 'stageLimit',
            since: '2026-02-01T16:00:00.000Z',
            params: { basis: 'approvedNotDisbursed', days: 70, limit: 60, level: 'warn' },
          },
        ],
      },
    });
    const card = mountCard({ project });
    expect(card.find('.card__stall--warn').text()).toContain('已审批待投放 70 天，超过预警线 60 天');
    expect(card.text()).not.toContain('停滞');
  });

  it('opens the project on click and on Enter', async () => {
    const card = mountCard();
    await card.trigger('click');
    await card.trigger('keydown', { key: 'Enter' });
    expect(card.emitted('open')).toEqual([['p-42'], ['p-42']]);
  });

  it('moves through the keyboard menu: open it, pick a stage, one move event', async () => {
    const card = mountCard();
    await card.find('.cw-card__menu-btn').trigger('click');
    await flushPromises();
    const items = [...document.body.querySelectorAll<HTMLElement>('.el-dropdown-menu__item')];
    const target = items.find((item) => item.textContent?.includes('移到「投放中」'));
    expect(target).toBeDefined();
    target!.click();
    await flushPromises();
    expect(card.emitted('move')).toEqual([['p-42', 'disbursing', 0]]);
    expect(card.emitted('open')).toBeUndefined();
  });

  it('offers up and down inside the column and disables the current stage', async () => {
    const card = mountCard();
    expect(card.findComponent(ElDropdown).exists()).toBe(false);
    await card.find('.card__menu').trigger('pointerenter');
    await flushPromises();
    const dropdown = card.findComponent(ElDropdown);
    dropdown.vm.$emit('command', 'down');
    dropdown.vm.$emit('command', 'up');
    dropdown.vm.$emit('command', 'stage:approved');
    expect(card.emitted('move')).toEqual([
      ['p-42', 'approved', 2],
      ['p-42', 'approved', 0],
    ]);
  });

  it('has no move menu for someone who may not move cards', () => {
    const card = mountCard({ canMove: false });
    expect(card.find('.cw-card__menu-btn').exists()).toBe(false);
  });
});
