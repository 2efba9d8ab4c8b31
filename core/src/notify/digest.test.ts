import { describe, expect, it } from 'vitest';
import { createSampleWorkspace, SAMPLE_IDENTITIES } from '../sample';
import type { Member } from '../types';
import { digestRecipients } from './dueSource';
import type { DigestItem } from './dueSource';
import { digestMessageKey, planDailyDigests, planRedAlerts, redKey, renderPersonDigest, seenKey } from './digest';

const NOW = new Date('2026-12-02T00:30:00.000Z'); // 08:30 in Shanghai
const workspace = createSampleWorkspace({ now: NOW });
const docs = { projects: workspace.projects, banks: workspace.banks };
const members: Member[] = workspace.members;
const byUid = (uid: string) => SAMPLE_IDENTITIES.find((m) => m.uid === uid)!;

function itemsOf(uid: string): DigestItem[] {
  return digestRecipients(members, docs, NOW).find((r) => r.member.uid === uid)?.items ?? [];
}

function plan(sent: ReadonlySet<string> = new Set()) {
  return planDailyDigests({ now: NOW, channels: ['email', 'wecom'], recipients: digestRecipients(members, docs, NOW), sent, appUrl: 'https://cw.example' });
}

describe('the daily digest on the sample workspace', () => {
  it('staff read what is overdue across the city, each line with its due date and link', () => {
    const items = itemsOf('u-staff');
    expect(items.length).toBeGreaterThan(0);
    const overdue = items.filter((i) => i.kind === 'overdueAssignment' || i.kind === 'overdueBlocker');
    expect(overdue.length).toBeGreaterThan(0);
    const mail = plan().find((m) => m.recipientUid === 'u-staff')!;
    expect(mail.to).toBe('staff@clearway.local');
    expect(mail.subject).toContain('王丽娟');
    expect(mail.subject).toContain(`逾期 ${items.filter((i) => i.light === 'red').length} 项`);
    const first = overdue[0]!;
    expect(mail.text).toContain(`（截止 ${first.dueDate}）`);
    expect(mail.text).toContain(`https://cw.example/?project=${first.projectId}`);
    expect(mail.html).toContain('<li><a href="https://cw.example/?project=');
    expect(mail.text).toMatch(/Clearway daily digest for 2026-12-02/);
  });

  it('a liaison reads the assignments and blockers naming their bank, and nothing of another bank', () => {
    // The meeting decides something for 工商银行 and opens a blocker on 建设银行 on a sample project.
    const [first, ...rest] = workspace.projects;
    const project = {
      ...first!,
      assignments: [...first!.assignments, { id: 'a-icbc', month: '2026-11', what: '出具授信批复', who: '工商银行', dueDate: '2026-12-04', createdAt: '2026-12-01T08:00:00.000Z', doneAt: null }],
      blockers: [...first!.blockers, { id: 'b-ccb', tag: 'bank', description: '补充抵押评估', party: '建设银行', dueDate: '2026-11-30', openedAt: '2026-11-20T08:00:00.000Z', openedBy: 'u-staff', resolvedAt: null, resolution: null }],
    } as typeof first & object;
    const withBoth = { projects: [project, ...rest], banks: docs.banks };
    const items = (uid: string) => digestRecipients(members, withBoth, NOW).find((r) => r.member.uid === uid)!.items;
    const named = (uid: string) => items(uid).filter((i) => i.kind !== 'bankLine').map((i) => [i.kind, i.light, i.title]);
    expect(named('u-liaison-icbc')).toEqual([['assignment', 'blue', '出具授信批复']]);
    expect(named('u-liaison-ccb')).toEqual([['blocker', 'red', '补充抵押评估']]);
    const mails = planDailyDigests({ now: NOW, channels: ['email'], recipients: digestRecipients(members, withBoth, NOW), sent: new Set() });
    const icbcMail = mails.find((m) => m.recipientUid === 'u-liaison-icbc')!;
    expect(icbcMail.to).toBe('icbc@clearway.local');
    expect(icbcMail.text).toContain('【临期】交办事项');
    expect(icbcMail.text).not.toContain('补充抵押评估');
    expect(mails.find((m) => m.recipientUid === 'u-liaison-ccb')!.text).toContain('【逾期】卡点');
    // On the sample as generated nothing open names 工商银行: its lines wait on it (green, in the
    // app's list) but nothing is due, so its liaison gets no message at all.
    expect(itemsOf('u-liaison-icbc').every((i) => i.kind === 'bankLine' || i.kind === 'monthlyReport')).toBe(true);
    expect(plan().some((m) => m.recipientUid === 'u-liaison-icbc')).toBe(false);
  });

  it('a viewer, a disabled member and anyone with nothing due get nothing', () => {
    expect(itemsOf('u-viewer')).toEqual([]);
    const messages = plan();
    expect(messages.some((m) => m.recipientUid === 'u-viewer')).toBe(false);
    const disabled = members.map((m) => (m.uid === 'u-staff' ? { ...m, disabled: true } : m));
    const without = planDailyDigests({ now: NOW, channels: ['email'], recipients: digestRecipients(disabled, docs, NOW), sent: new Set() });
    expect(without.some((m) => m.recipientUid === 'u-staff')).toBe(false);
    expect(renderPersonDigest('某人', '2026-12-02', [])).toBeNull();
    const empty = planDailyDigests({ now: NOW, channels: ['email', 'wecom'], recipients: digestRecipients(members, { projects: [], banks: docs.banks }, NOW), sent: new Set() });
    expect(empty).toEqual([]);
  });

  it('the group robot gets one message with a section per person and no bank line', () => {
    const group = plan().filter((m) => m.channel === 'wecom');
    expect(group).toHaveLength(1);
    expect(group[0]!.to).toBeNull();
    expect(group[0]!.markdown).toContain(`**${byUid('u-staff').name}**`);
    expect(group[0]!.markdown).toMatch(/^### Clearway 每日督办 · 2026-12-02/);
  });

  it('a rerun the same day sends nothing twice; red items then need no alert', () => {
    const first = plan();
    const sent = new Set(first.flatMap((m) => m.deliveryKeys));
    expect(plan(sent)).toEqual([]);
    expect(sent.has(digestMessageKey('2026-12-02', 'email', 'u-staff'))).toBe(true);
    const alerts = planRedAlerts({ now: NOW, channels: ['email', 'wecom'], recipients: digestRecipients(members, docs, NOW), sent });
    expect(alerts).toEqual([]);
  });

  it('the next day a green item already told is not repeated, a red one is', () => {
    const staffItems = itemsOf('u-staff');
    const red = staffItems.find((i) => i.light === 'red')!;
    const green: DigestItem = { ...red, key: 'assignment:p:a-green', kind: 'assignment', light: 'green', dueDate: '2027-01-31' };
    const recipients = [{ member: byUid('u-staff'), items: [red, green] }];
    const told = new Set([seenKey('email', 'u-staff', green.key), seenKey('email', 'u-staff', red.key)]);
    const [mail] = planDailyDigests({ now: NOW, channels: ['email'], recipients, sent: told });
    expect(mail!.deliveryKeys).toContain(seenKey('email', 'u-staff', red.key));
    expect(mail!.deliveryKeys).not.toContain(seenKey('email', 'u-staff', green.key));
    const onlyGreen = planDailyDigests({ now: NOW, channels: ['email'], recipients: [{ member: byUid('u-staff'), items: [green] }], sent: told });
    expect(onlyGreen).toEqual([]);
  });

  it('an item that turns red is alerted once per recipient', () => {
    const item: DigestItem = { key: 'blocker:p1:b1', kind: 'blocker', light: 'red', dueDate: '2026-12-01', projectId: 'p1', projectName: '某项目', title: '土地证*待办*', detail: '工商银行' };
    const recipients = [{ member: byUid('u-liaison-icbc'), items: [item] }];
    const alerts = planRedAlerts({ now: NOW, channels: ['email', 'dingtalk'], recipients, sent: new Set() });
    expect(alerts.map((a) => a.channel).sort()).toEqual(['dingtalk', 'email']);
    expect(alerts[0]!.subject).toContain('逾期提醒');
    expect(alerts.find((a) => a.channel === 'dingtalk')!.markdown).toContain('土地证\\*待办\\*');
    const sent = new Set(alerts.flatMap((a) => a.deliveryKeys));
    expect(sent.has(redKey('email', 'u-liaison-icbc', item.key))).toBe(true);
    expect(planRedAlerts({ now: NOW, channels: ['email', 'dingtalk'], recipients, sent })).toEqual([]);
  });
});
