/**
 * Accounts and sessions in SQL. A session token is 32 random bytes given to the browser in an
 * httpOnly cookie; the table keeps only its HMAC under the server's session secret, so a copy of
 * the database (a backup, a dump) signs nobody in.
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { SqlRunner } from '../app';

export interface Account {
  uid: string;
  email: string;
  passwordHash: string;
  disabled: boolean;
}

export interface Session {
  tokenHash: string;
  uid: string;
  expiresAt: Date;
}

interface AccountRow {
  uid: string;
  email: string;
  password_hash: string;
  disabled: boolean;
}

interface SessionRow {
  token_hash: string;
  uid: string;
  expires_at: Date | string;
}

/** A session and its members document (null when there is none), with the version and commit seq it was read at. */
export interface SessionAndMember<M> {
  session: Session;
  member: { data: M; version: number; seq: number } | null;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const toAccount = (row: AccountRow): Account => ({
  uid: row.uid,
  email: row.email,
  passwordHash: row.password_hash,
  disabled: row.disabled,
});

/** A session token's length: 32 random bytes in base64url (createSession). */
const SESSION_TOKEN_LENGTH = 43;

/** Sessions a command may take as live without asking the database (see `recentSession`). */
const RECENT_SESSIONS_MAX = 10_000;
/** How long a looked-up session is taken as live by commands (their commit checks it again anyway). */
export const RECENT_SESSION_MS = 60_000;

export class AccountRepository {
  /** Sessions looked up lately, by token hash: uid, expiry, and when they were looked up. */
  private readonly recentSessions = new Map<string, { session: Session; seenAt: number }>();

  /** Tokens hashed lately (hashToken): bounded, cleared when full. */
  private readonly tokenHashes = new Map<string, string>();

  /** The secret imported once: an HMAC keyed by a string imports it again each time (twice the cost per request). */
  private readonly key: KeyObject;

  constructor(
    private readonly sql: SqlRunner,
    secret: string,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * The session of a token hash as looked up in the last RECENT_SESSION_MS, while it is in its
   * first half of life (later, the database lookup extends it), else null. Only for a command,
   * whose commit checks the session again (clearway_commit_batch's item_sessions) and whose refusal is
   * checked before it is told (commandRoutes.ts): a session ended in another process is still
   * refused, with nothing written. One ended in this process is forgotten here at once.
   */
  recentSession(tokenHash: string, now: Date, ttlMs: number): Session | null {
    const recent = this.recentSessions.get(tokenHash);
    if (!recent) return null;
    const left = recent.session.expiresAt.getTime() - now.getTime();
    if (now.getTime() - recent.seenAt > RECENT_SESSION_MS || now.getTime() < recent.seenAt || left < ttlMs / 2) {
      this.recentSessions.delete(tokenHash);
      return null;
    }
    return recent.session;
  }

  private rememberSession(session: Session, now: Date): void {
    if (this.recentSessions.size >= RECENT_SESSIONS_MAX) this.recentSessions.clear();
    this.recentSessions.set(session.tokenHash, { session: { ...session }, seenAt: now.getTime() });
  }

  /** Forgets the recent sessions of a person (signed out, disabled, their members document changed). */
  forgetSessionsOf(uid: string): void {
    for (const [hash, recent] of this.recentSessions) if (recent.session.uid === uid) this.recentSessions.delete(hash);
  }

  forgetSession(tokenHash: string): void {
    this.recentSessions.delete(tokenHash);
  }

  async findByEmail(email: string): Promise<Account | null> {
    const rows = await this.sql<AccountRow>('SELECT uid, email, password_hash, disabled FROM accounts WHERE email = $1', [normaliseEmail(email)]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async findByUid(uid: string): Promise<Account | null> {
    const rows = await this.sql<AccountRow>('SELECT uid, email, password_hash, disabled FROM accounts WHERE uid = $1', [uid]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  /** Creates the account; false when the email or the uid already has one. */
  async create(account: Account): Promise<boolean> {
    const rows = await this.sql<{ uid: string }>(
      `INSERT INTO accounts (uid, email, password_hash, disabled) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING uid`,
      [account.uid, normaliseEmail(account.email), account.passwordHash, account.disabled],
    );
    return rows.length === 1;
  }

  async deleteAccount(uid: string): Promise<void> {
    this.forgetSessionsOf(uid);
    await this.sql('DELETE FROM accounts WHERE uid = $1', [uid]);
  }

  async setPassword(uid: string, passwordHash: string): Promise<void> {
    await this.sql('UPDATE accounts SET password_hash = $2, password_changed_at = now() WHERE uid = $1', [uid, passwordHash]);
  }

  async setDisabled(uid: string, disabled: boolean): Promise<void> {
    this.forgetSessionsOf(uid);
    await this.sql('UPDATE accounts SET disabled = $2 WHERE uid = $1', [uid, disabled]);
  }

  async count(): Promise<number> {
    const rows = await this.sql<{ n: number | string }>('SELECT count(*) AS n FROM accounts');
    return Number(rows[0]?.n ?? 0);
  }

  hashToken(token: string): string {
    // Every request hashes its cookie's token; one person's requests send the same one over and
    // over (an HMAC was ~2 % of the server's CPU per command under load).
    let hash = this.tokenHashes.get(token);
    if (hash === undefined) {
      hash = createHmac('sha256', this.key).update(token).digest('base64url');
      // Only what a real token looks like (32 random bytes, base64url): a cookie of any size
      // anyone sends must not stay in memory.
      if (token.length === SESSION_TOKEN_LENGTH) {
        if (this.tokenHashes.size >= RECENT_SESSIONS_MAX) this.tokenHashes.clear();
        this.tokenHashes.set(token, hash);
      }
    }
    return hash;
  }

  /** Starts a session; returns the token for the cookie (never stored). */
  async createSession(uid: string, now: Date, ttlMs: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const session: Session = { tokenHash: this.hashToken(token), uid, expiresAt: new Date(now.getTime() + ttlMs) };
    await this.sql('INSERT INTO sessions (token_hash, uid, expires_at) VALUES ($1, $2, $3)', [session.tokenHash, uid, session.expiresAt]);
    return { token, session };
  }

  /**
   * The live session of a token, or null, with the members document of its uid read in the same
   * statement (the documents table of db/postgresDocumentStore.ts): every request needs both, and
   * a round trip to the database costs more than either query. A session in its second half of
   * life is extended, so someone who works every day stays signed in while an abandoned session
   * runs out.
   */
  async findSessionAndMember<M>(token: string, now: Date, ttlMs: number): Promise<SessionAndMember<M> | null> {
    if (token.length < 20 || token.length > 100) return null;
    const tokenHash = this.hashToken(token);
    const rows = await this.sql<SessionRow & { member: M | null; member_version: number | null; member_seq: number | string | null }>(
      `SELECT s.token_hash, s.uid, s.expires_at, d.data AS member, d.version AS member_version, d.seq AS member_seq
         FROM sessions s LEFT JOIN documents d ON d.collection = 'members' AND d.id = s.uid
        WHERE s.token_hash = $1 AND s.expires_at > $2`,
      [tokenHash, now],
    );
    const row = rows[0];
    if (!row) return null;
    const session: Session = { tokenHash: row.token_hash, uid: row.uid, expiresAt: new Date(row.expires_at) };
    if (session.expiresAt.getTime() - now.getTime() < ttlMs / 2) {
      session.expiresAt = new Date(now.getTime() + ttlMs);
      await this.sql('UPDATE sessions SET expires_at = $2 WHERE token_hash = $1', [tokenHash, session.expiresAt]);
    }
    const member = row.member === null || row.member === undefined ? null : { data: row.member, version: Number(row.member_version), seq: Number(row.member_seq) };
    this.rememberSession(session, now);
    return { session, member };
  }

  async sessionExists(tokenHash: string, now: Date): Promise<boolean> {
    const rows = await this.sql('SELECT 1 FROM sessions WHERE token_hash = $1 AND expires_at > $2', [tokenHash, now]);
    return rows.length > 0;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.forgetSession(tokenHash);
    await this.sql('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  /** Ends every session of a person (but the one named in `except`, e.g. after their own password change). */
  async deleteSessionsOf(uid: string, except: string | null = null): Promise<void> {
    this.forgetSessionsOf(uid);
    await this.sql('DELETE FROM sessions WHERE uid = $1 AND token_hash <> $2', [uid, except ?? '']);
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.sql('DELETE FROM sessions WHERE expires_at <= $1', [now]);
  }
}
