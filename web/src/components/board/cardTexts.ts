/**
 * What a board card says, as strings, made once per card object and language. A card component
 * that translated its own texts would hold a dozen computeds and their links to vue-i18n's state
 * (hundreds of cards on a board, each re-translating on every move that shifts its position); the
 * column makes them here instead, keeps them while the card, the language and the bank names stay
 * the same, and the card only prints them.
 */
import { projectNeed, type BoardCard } from '@clearway/core';
import type { BankNameLookup, useDomainText } from '@/composables/useDomainText';
import { moveMenuTargets } from '@/composables/useMoveMenu';

export type DomainText = ReturnType<typeof useDomainText>;

/** The words every card shows alike. */
export interface CardWords {
  menu: string;
  noLeadBank: string;
  need: string;
  stalled: string;
  warn: string;
  blockers: string;
  pending: string;
  /** The move menu's entries by key (`up`, `down`, `stage:<id>`). */
  moves: ReadonlyMap<string, string>;
}

/** One card's own texts. */
export interface CardTexts {
  /** The accessible name of the card (opens it) and of its move menu. */
  label: string;
  menuLabel: string;
  /** The lead bank's name; null when the project has none (the card says so in muted words). */
  leadBank: string | null;
  need: string;
  status: string;
  flag: string | null;
  progress: string;
  approvedWidth: string;
  disbursedWidth: string;
  /** The stall badge (alarm reasons) or, when not stalled, the 60-day warning; null when neither. */
  stall: { warn: boolean; reasons: string[]; more: string | null } | null;
  blockers: { id: string; text: string }[];
}

export function cardWords(text: DomainText): CardWords {
  const { t, stageLabel } = text;
  const moves = new Map<string, string>([
    ['up', t('board.move.up')],
    ['down', t('board.move.down')],
  ]);
  for (const target of moveMenuTargets({ stage: 'pipeline', position: 0, columnLength: 1 })) {
    if (target.key.startsWith('stage:')) moves.set(target.key, t('board.move.toStage', { stage: stageLabel(target.toStage) }));
  }
  return {
    menu: t('board.move.menu'),
    noLeadBank: t('board.card.noLeadBank'),
    need: t('board.card.need'),
    stalled: t('board.card.stalled'),
    warn: t('domain.stallLevel.warn'),
    blockers: t('board.card.blockers'),
    pending: t('board.card.pending'),
    moves,
  };
}

/**
 * The words, made once per translator and language for all the board's columns (each column
 * made its own: 7 columns × 21 translations before the first paint). The caller reads the
 * language itself, so a switch still reaches a computed that got them from here.
 */
const wordsByTranslator = new WeakMap<DomainText['t'], Map<string, CardWords>>();
export function sharedCardWords(text: DomainText, locale: string): CardWords {
  let byLocale = wordsByTranslator.get(text.t);
  if (!byLocale) wordsByTranslator.set(text.t, (byLocale = new Map()));
  let words = byLocale.get(locale);
  if (!words) byLocale.set(locale, (words = cardWords(text)));
  return words;
}

/**
 * The words many cards share (a clearance status, an off-flow flag, a blocker's tag and party, a
 * message without parameters such as 未审批), translated once per keeper rather than once per card.
 */
function sharedLabels(text: DomainText): DomainText {
  const translate = text.t as (key: string, ...rest: unknown[]) => string;
  const plain = new Map<string, string>();
  const t = ((key: string, ...rest: unknown[]): string => {
    if (rest.length) return translate(key, ...rest);
    let value = plain.get(key);
    if (value === undefined) plain.set(key, (value = translate(key)));
    return value;
  }) as DomainText['t'];
  const once = <A extends unknown[]>(label: (...args: A) => string, key: (...args: A) => string) => {
    const made = new Map<string, string>();
    return (...args: A): string => {
      const k = key(...args);
      let value = made.get(k);
      if (value === undefined) made.set(k, (value = label(...args)));
      return value;
    };
  };
  return {
    ...text,
    t,
    statusLabel: once(text.statusLabel, (status) => status),
    flagLabel: once(text.flagLabel, (flag) => flag),
    blockerLabel: once(text.blockerLabel, (blocker) => `${blocker.tag}\u0000${blocker.party}`),
  };
}

function progressText(card: BoardCard, text: DomainText, ownBankOnly: boolean): string {
  const { t, wan, rate } = text;
  const { approved, disbursed, disbursementRate } = card.clearance;
  if (ownBankOnly && card.lineCount === 0) return t('board.card.ownNoLine');
  if (approved <= 0) return t(ownBankOnly ? 'board.card.ownNotApproved' : 'board.card.notApproved');
  return t(ownBankOnly ? 'board.card.ownProgress' : 'board.card.progress', { disbursed: wan(disbursed), approved: wan(approved), rate: rate(disbursementRate) });
}

/** Alarm flags make a project stalled; a warning (approved-not-disbursed past 60 days) is a badge only. */
function stallOf(card: BoardCard, text: DomainText, bankName: BankNameLookup): CardTexts['stall'] {
  const alarms = card.stall.flags.filter((flag) => flag.params.level !== 'warn');
  const flags = alarms.length ? alarms : card.stall.flags;
  if (!flags.length) return null;
  const reasons = flags.map((flag) => text.stallReason(flag, bankName));
  const warn = alarms.length === 0;
  return { warn, reasons, more: !warn && reasons.length > 1 ? text.t('board.card.moreReasons', { n: reasons.length - 1 }) : null };
}

export function cardTexts(card: BoardCard, text: DomainText, bankName: BankNameLookup, ownBankOnly: boolean): CardTexts {
  const { t, wan, statusLabel, flagLabel, blockerLabel } = text;
  const { approved, disbursed, status } = card.clearance;
  const need = projectNeed(card);
  // Bar widths relative to the need (or the approved amount when it exceeds the need).
  const scale = Math.max(need, approved, 1);
  return {
    label: t('board.card.open', { name: card.name }),
    menuLabel: t('board.move.menuLabel', { name: card.name }),
    leadBank: card.leadBankId ? bankName(card.leadBankId) : null,
    need: wan(need),
    status: statusLabel(status),
    flag: card.flag ? flagLabel(card.flag) : null,
    progress: progressText(card, text, ownBankOnly),
    approvedWidth: `${Math.min(100, (approved / scale) * 100)}%`,
    disbursedWidth: `${Math.min(100, (disbursed / scale) * 100)}%`,
    stall: stallOf(card, text, bankName),
    blockers: card.clearance.openBlockers.map((blocker) => ({ id: blocker.id, text: blockerLabel(blocker) })),
  };
}

/** Whether two cards of a project say the same: all but the place a move changes (stage, rank). */
function sameTexts(a: BoardCard, b: BoardCard): boolean {
  for (const key of Object.keys(b) as (keyof BoardCard)[]) if (key !== 'stage' && key !== 'rank' && a[key] !== b[key]) return false;
  return true;
}

/**
 * The texts of each card, kept per card object (a changed card is a new object), and for a card
 * shown at a move's new place (a copy with another stage and rank): make a new keeper when the
 * language, the bank names or the liaison view change.
 */
export function keptCardTexts(domainText: DomainText, bankName: BankNameLookup, ownBankOnly: boolean): (card: BoardCard) => CardTexts {
  const text = sharedLabels(domainText);
  const kept = new WeakMap<BoardCard, CardTexts>();
  const byId = new Map<string, { card: BoardCard; texts: CardTexts }>();
  return (card) => {
    let texts = kept.get(card);
    if (texts) return texts;
    const last = byId.get(card.id);
    texts = last && sameTexts(last.card, card) ? last.texts : cardTexts(card, text, bankName, ownBankOnly);
    kept.set(card, texts);
    byId.set(card.id, { card, texts });
    return texts;
  };
}
