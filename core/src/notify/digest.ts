/**
 * The daily digest 每日待办 and the red alert 逾期提醒, as the messages the sending job hands to
 * the channels: markdown for the 企业微信 and 钉钉 group robots, plain text + HTML for e-mail,
 * Chinese first with a one-line English summary in e-mail.
 *
 * One digest a day per person and channel, never one per event; nothing when nothing is due. An
 * item is in a day's digest while it is 红/黄/蓝, and once when it is new (a green assignment the
 * person has not been told about). The group robots get one message a day with a section per
 * person, showing only what the meeting shares anyway (assignments and blockers, not a bank's own
 * lines). A red alert goes out as soon as an item turns 红, once per item and recipient.
 *
 * Idempotency: every message carries delivery keys — the message's own (per day, channel and
 * recipient) and one per item — and the planner leaves out what an earlier run sent, so a rerun
 * sends nothing twice. The job records the keys of a message once it was sent.
 */
import type { IsoDate } from '../types';
import { todayIso } from '../dates';
import type { NotifyChannelKind } from './channels';
import type { DigestItem, DigestLight, DigestMember } from './dueSource';

export type OutgoingKind = 'digest' | 'redAlert' | 'test';

export interface OutgoingMessage {
  /** The message's own delivery key. */
  key: string;
  /** Every key the message settles (its own and one per item), recorded once it is sent. */
  deliveryKeys: string[];
  kind: OutgoingKind;
  channel: NotifyChannelKind;
  /** An e-mail address; null for a group robot. */
  to: string | null;
  /** The member the message is for; null for a group message. */
  recipientUid: string | null;
  day: IsoDate;
  subject: string;
  markdown: string;
  text: string;
  html: string;
}

export const LIGHT_LABELS: Record<DigestLight, string> = { red: '逾期', yellow: '滞后', blue: '临期', green: '待办', none: '待办' };

const KIND_LABELS: Record<string, string> = {
  assignment: '交办事项',
  assignmentToClose: '待销号',
  blocker: '卡点',
  project: '项目',
  bankLine: '贷款',
  monthlyReport: '月度报送',
  overdueAssignment: '逾期交办',
  overdueBlocker: '逾期卡点',
  lateBank: '逾期未报',
};

const STATUS_LABELS: Record<string, string> = {
  stalled: '停滞',
  blocked: '受阻',
  pending: '未报',
  overdue: '逾期未报',
  assigned: '待签收',
  acknowledged: '已签收',
  reported: '已反馈',
  closeRequested: '申请办结',
};

/** Kinds a group robot may show (the meeting shares them); a bank's lines stay in its liaison's own digest. */
const GROUP_KINDS = new Set(['assignment', 'blocker', 'project', 'overdueAssignment', 'overdueBlocker', 'lateBank', 'assignmentToClose']);
/** Items that ask for action although their light is green. */
const ACTION_KINDS = new Set(['assignmentToClose', 'monthlyReport']);

export interface DigestRecipient {
  member: DigestMember;
  items: readonly DigestItem[];
}

export interface DeliveryPlanInput {
  now: Date;
  channels: readonly NotifyChannelKind[];
  recipients: readonly DigestRecipient[];
  /** Delivery keys recorded by earlier runs. */
  sent: ReadonlySet<string>;
  /** The app's address for links, e.g. `https://clearway.example.gov.cn`; null: no links. */
  appUrl?: string | null;
}

function recipientId(channel: NotifyChannelKind, uid: string | null): string {
  return `${channel}:${uid ?? 'group'}`;
}

export function digestMessageKey(day: IsoDate, channel: NotifyChannelKind, uid: string | null): string {
  return `digest:${day}:${recipientId(channel, uid)}`;
}
export function seenKey(channel: NotifyChannelKind, uid: string | null, itemKey: string): string {
  return `seen:${recipientId(channel, uid)}:${itemKey}`;
}
export function redKey(channel: NotifyChannelKind, uid: string | null, itemKey: string): string {
  return `red:${recipientId(channel, uid)}:${itemKey}`;
}

function isDigestWorthy(item: DigestItem, seen: boolean): boolean {
  if ((item.light !== 'green' && item.light !== 'none') || ACTION_KINDS.has(item.kind)) return true;
  return !seen && item.kind !== 'bankLine';
}

function itemPath(item: DigestItem): string {
  if (item.kind === 'monthlyReport' || item.kind === 'lateBank') return '/my-bank';
  return item.projectId ? `/?project=${encodeURIComponent(item.projectId)}` : '/';
}

function detailText(item: DigestItem): string {
  return STATUS_LABELS[item.detail] ?? item.detail;
}

/** One item as a line of text (no markup). */
export function itemLine(item: DigestItem): string {
  const kind = KIND_LABELS[item.kind] ?? item.kind;
  const where = item.projectName && item.projectName !== item.title ? `${item.projectName}：` : '';
  const due = item.dueDate ? `（截止 ${item.dueDate}）` : '';
  const detail = detailText(item);
  return `【${LIGHT_LABELS[item.light]}】${kind} ${where}${item.title}${due}${detail ? ` · ${detail}` : ''}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Robot markdown treats these as markup; a project named *A* stays as typed. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]#>])/g, '\\$1');
}

function linkOf(appUrl: string | null | undefined, item: DigestItem): string | null {
  return appUrl ? `${appUrl.replace(/\/+$/, '')}${itemPath(item)}` : null;
}

interface Rendered {
  subject: string;
  markdown: string;
  text: string;
  html: string;
}

function renderSections(title: string, englishSummary: string, sections: { heading: string | null; items: readonly DigestItem[] }[], appUrl: string | null | undefined): Rendered {
  const md: string[] = [`### ${escapeMarkdown(title)}`];
  const text: string[] = [title, ''];
  const html: string[] = [`<h2 style="font-size:16px">${escapeHtml(title)}</h2>`];
  for (const section of sections) {
    if (section.heading) {
      md.push('', `**${escapeMarkdown(section.heading)}**`);
      text.push(section.heading);
      html.push(`<h3 style="font-size:14px">${escapeHtml(section.heading)}</h3>`);
    }
    html.push('<ul>');
    for (const item of section.items) {
      const line = itemLine(item);
      const link = linkOf(appUrl, item);
      md.push(link ? `- [${escapeMarkdown(line)}](${link})` : `- ${escapeMarkdown(line)}`);
      text.push(link ? `- ${line} ${link}` : `- ${line}`);
      html.push(`<li>${link ? `<a href="${escapeHtml(link)}">${escapeHtml(line)}</a>` : escapeHtml(line)}</li>`);
    }
    html.push('</ul>');
    text.push('');
  }
  text.push('——', englishSummary);
  html.push(`<p style="color:#888">${escapeHtml(englishSummary)}</p>`);
  return { subject: title, markdown: md.join('\n'), text: text.join('\n'), html: html.join('\n') };
}

function countWords(items: readonly DigestItem[]): string {
  const red = items.filter((i) => i.light === 'red').length;
  return red > 0 ? `共 ${items.length} 项，其中逾期 ${red} 项` : `共 ${items.length} 项`;
}

/** A person's digest of `day`, or null when nothing is due. */
export function renderPersonDigest(name: string, day: IsoDate, items: readonly DigestItem[], appUrl?: string | null): Rendered | null {
  if (items.length === 0) return null;
  const title = `Clearway 每日待办 · ${name} · ${day}（${countWords(items)}）`;
  return renderSections(title, `Clearway daily digest for ${day}: ${items.length} item(s) need you.`, [{ heading: null, items }], appUrl);
}

/** The group robot's digest of `day`: a section per person; null when nobody has anything due. */
export function renderGroupDigest(day: IsoDate, sections: readonly { name: string; items: readonly DigestItem[] }[], appUrl?: string | null): Rendered | null {
  const shown = sections.filter((s) => s.items.length > 0);
  if (shown.length === 0) return null;
  const total = shown.reduce((n, s) => n + s.items.length, 0);
  const title = `Clearway 每日督办 · ${day}（${shown.length} 人 ${total} 项）`;
  return renderSections(title, `Clearway daily digest for ${day}: ${total} item(s) for ${shown.length} people.`, shown.map((s) => ({ heading: s.name, items: s.items })), appUrl);
}

/** The immediate message for items that just turned 红. */
export function renderRedAlert(name: string | null, items: readonly DigestItem[], appUrl?: string | null): Rendered {
  const title = `Clearway 逾期提醒${name ? ` · ${name}` : ''}（${items.length} 项已逾期）`;
  return renderSections(title, `Clearway: ${items.length} item(s) are now overdue.`, [{ heading: null, items }], appUrl);
}

function emailOf(member: DigestRecipient['member']): string | null {
  const email = member.email?.trim();
  return email && email.includes('@') ? email : null;
}

function active(recipients: readonly DigestRecipient[]): DigestRecipient[] {
  return recipients.filter((r) => !r.member.disabled && r.member.role !== 'viewer');
}

/** The day's digests not sent yet: one per person by e-mail, one per group robot. */
export function planDailyDigests(input: DeliveryPlanInput): OutgoingMessage[] {
  const day = todayIso(input.now);
  const out: OutgoingMessage[] = [];
  for (const channel of input.channels) {
    if (channel === 'email') {
      for (const { member, items } of active(input.recipients)) {
        const to = emailOf(member);
        const key = digestMessageKey(day, channel, member.uid);
        if (!to || input.sent.has(key)) continue;
        const due = items.filter((item) => isDigestWorthy(item, input.sent.has(seenKey(channel, member.uid, item.key))));
        const rendered = renderPersonDigest(member.name, day, due, input.appUrl);
        if (!rendered) continue;
        out.push({ key, deliveryKeys: [key, ...itemKeys(channel, member.uid, due)], kind: 'digest', channel, to, recipientUid: member.uid, day, ...rendered });
      }
      continue;
    }
    const key = digestMessageKey(day, channel, null);
    if (input.sent.has(key)) continue;
    const sections = active(input.recipients).map(({ member, items }) => ({
      name: member.name,
      items: items.filter((item) => GROUP_KINDS.has(item.kind) && isDigestWorthy(item, input.sent.has(seenKey(channel, null, item.key)))),
    }));
    const rendered = renderGroupDigest(day, sections, input.appUrl);
    if (!rendered) continue;
    const all = sections.flatMap((s) => s.items);
    out.push({ key, deliveryKeys: [key, ...itemKeys(channel, null, all)], kind: 'digest', channel, to: null, recipientUid: null, day, ...rendered });
  }
  return out;
}

function itemKeys(channel: NotifyChannelKind, uid: string | null, items: readonly DigestItem[]): string[] {
  const keys = new Set<string>();
  for (const item of items) {
    keys.add(seenKey(channel, uid, item.key));
    // A red item in the digest needs no separate alert.
    if (item.light === 'red') keys.add(redKey(channel, uid, item.key));
  }
  return [...keys];
}

/**
 * Alerts for the items that are red now and were not told as red: one message per person by
 * e-mail and one per group robot, each listing every newly red item. Run at every check.
 */
export function planRedAlerts(input: DeliveryPlanInput): OutgoingMessage[] {
  const day = todayIso(input.now);
  const out: OutgoingMessage[] = [];
  for (const channel of input.channels) {
    if (channel === 'email') {
      for (const { member, items } of active(input.recipients)) {
        const to = emailOf(member);
        if (!to) continue;
        const fresh = items.filter((item) => item.light === 'red' && !input.sent.has(redKey(channel, member.uid, item.key)));
        if (fresh.length === 0) continue;
        const keys = itemKeys(channel, member.uid, fresh);
        out.push({ key: `redAlert:${day}:${keys[0]}`, deliveryKeys: keys, kind: 'redAlert', channel, to, recipientUid: member.uid, day, ...renderRedAlert(member.name, fresh, input.appUrl) });
      }
      continue;
    }
    const byItem = new Map<string, DigestItem>();
    for (const { items } of active(input.recipients)) {
      for (const item of items) {
        if (item.light === 'red' && GROUP_KINDS.has(item.kind) && !input.sent.has(redKey(channel, null, item.key))) byItem.set(item.key, item);
      }
    }
    if (byItem.size === 0) continue;
    const fresh = [...byItem.values()];
    const keys = itemKeys(channel, null, fresh);
    out.push({ key: `redAlert:${day}:${keys[0]}`, deliveryKeys: keys, kind: 'redAlert', channel, to: null, recipientUid: null, day, ...renderRedAlert(null, fresh, input.appUrl) });
  }
  return out;
}
