/** What the admin page's leaf components take and emit. */
import type { BankCategory, Member, Role, StallRules, Yuan } from '@clearway/core';

/** The team server's minimum (server/src/auth/passwords.ts); the server checks it again. */
export const MIN_PASSWORD_LENGTH = 10;

export interface MemberRow {
  member: Member;
  /** The member's bank name, for liaisons. */
  bankName: string | null;
  isSelf: boolean;
}

export interface MemberValues {
  email: string;
  name: string;
  role: Role;
  bankId: string | null;
  /** Team server, new members only: the first password ('' → the server makes one). */
  password: string;
}

export interface BankValues {
  name: string;
  category: BankCategory;
  agreementAmount: Yuan;
}

export type RuleValues = StallRules;

export interface TargetValues {
  year: number;
  approved: Yuan;
  disbursed: Yuan;
  projects: number;
}

/** What the admin is told once a member was created: how they sign in for the first time. */
export interface CreatedMemberNotice {
  name: string;
  email: string;
  temporaryPassword: string | null;
  passwordSetupLink: string | null;
}

/** What the delivery-channels form sends (core `notify.setChannels`): absent keeps a secret, null clears it. */
export interface ChannelValues {
  wecomWebhookUrl?: string | null;
  dingtalkWebhookUrl?: string | null;
  dingtalkSecret?: string | null;
  smtp: { host: string; port: number; secure: boolean; user: string | null; from: string; password?: string | null } | null;
}
