/**
 * Administration that needs more than a core command: creating a member together with their
 * account, resetting a password, the whole-workspace export/import, and the documents quarantined
 * at start. Each checks the caller may run `member.upsert` (admins), the same rule the Firebase
 * invite callable applies.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assertCanRun, COLLECTIONS, DomainError, executeCommand, exportWorkspace, importWorkspace, isSystemActor, PARTY_CONTACTS_DOC_ID, parseCommandPayload, readWorkspaceFile } from '@clearway/core';
import type { Activity, Actor, DocumentStore, Member, StoredDoc } from '@clearway/core';
import type { ServerContext } from '../app';
import { normaliseEmail } from '../auth/accounts';
import { assertAcceptablePassword, generatePassword, hashPassword } from '../auth/passwords';
import { ApiError } from './errors';
import { IMPORT_JSON_LIMITS } from './jsonBody';
import { followMembership } from './commandRoutes';
import { listQuarantined, readQuarantined } from '../db/quarantine';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface NewMemberInput {
  email: string;
  name: string;
  role: Member['role'];
  bankId: string | null;
  password?: string;
}

/**
 * Creates the account and the members document (through core `member.upsert`, so it is validated,
 * versioned and audited). Used by the admin route and the first-start demo accounts.
 */
export async function createMemberWithAccount(
  ctx: Pick<ServerContext, 'store' | 'accounts' | 'now'>,
  actor: Actor,
  input: unknown,
  options: { uid?: string } = {},
): Promise<{ uid: string; temporaryPassword?: string }> {
  assertCanRun(actor, 'member.upsert');
  const raw = (input ?? {}) as Record<string, unknown>;
  const email = typeof raw.email === 'string' ? normaliseEmail(raw.email) : '';
  if (!EMAIL_PATTERN.test(email)) {
    throw new DomainError('invalid-argument', 'errors.validation', {}, [{ path: 'email', messageKey: 'errors.email.invalid' }]);
  }
  const chosen = raw.password === undefined || raw.password === null || raw.password === '' ? null : raw.password;
  if (chosen !== null) assertAcceptablePassword(chosen, 'password');
  const uid = options.uid ?? ctx.store.newId('members');
  const payload = {
    uid,
    expectedVersion: null,
    email,
    name: raw.name,
    role: raw.role,
    bankId: typeof raw.bankId === 'string' && raw.bankId !== '' ? raw.bankId : null,
    disabled: false,
  };
  // Validate the membership before making an account, so a bad request creates nothing.
  parseCommandPayload('member.upsert', payload);
  if (await ctx.accounts.findByEmail(email)) {
    throw new DomainError('failed-precondition', 'errors.validation', {}, [{ path: 'email', messageKey: 'auth.error.emailTaken' }]);
  }
  const password = chosen ?? generatePassword();
  const created = await ctx.accounts.create({ uid, email, passwordHash: await hashPassword(password), disabled: false });
  if (!created) {
    throw new DomainError('failed-precondition', 'errors.validation', {}, [{ path: 'email', messageKey: 'auth.error.emailTaken' }]);
  }
  try {
    // A signed-in admin must still be an active member when the command commits; the command line
    // and the first start act as the system, which has no membership to check.
    await executeCommand(ctx.store, { actor, now: ctx.now(), requireActiveMember: !isSystemActor(actor) }, { name: 'member.upsert', payload });
  } catch (error) {
    await ctx.accounts.deleteAccount(uid);
    throw error;
  }
  return chosen === null ? { uid, temporaryPassword: password } : { uid };
}

/**
 * On the server someone is always signed in, so a workspace is never quite empty: the admin who
 * imports has a members document (and its history record). A workspace that holds nothing but
 * member administration counts as empty for an import: those documents give way to the file's,
 * and the importing admin keeps their membership if the file does not name them. Which parties have
 * a member (settings/partyContacts) is member administration too: member.upsert writes it.
 */
async function onlyMemberAdministration(store: DocumentStore): Promise<boolean> {
  for (const name of COLLECTIONS) {
    if (name === 'members') continue;
    if (name === 'settings') {
      if ((await store.query('settings')).some((doc) => doc.id !== PARTY_CONTACTS_DOC_ID)) return false;
      continue;
    }
    if (name === 'activity') {
      const records = await store.query<Activity>('activity');
      if (records.some((record) => record.data.command !== 'member.upsert')) return false;
      continue;
    }
    if ((await store.query(name, { limit: 1 })).length > 0) return false;
  }
  return true;
}

async function importOverSetup(ctx: ServerContext, actor: Actor, file: unknown) {
  readWorkspaceFile(file); // refuses a bad file before anything is removed
  const members: StoredDoc<Member>[] = await ctx.store.query<Member>('members');
  const records = await ctx.store.query('activity');
  const contacts = await ctx.store.get('settings', PARTY_CONTACTS_DOC_ID);
  if (!(await onlyMemberAdministration(ctx.store)) || members.length + records.length === 0) {
    return importWorkspace(ctx.store, file);
  }
  await ctx.store.runTransaction(async (tx) => {
    for (const doc of members) tx.delete('members', doc.id, doc.version);
    for (const doc of records) tx.delete('activity', doc.id, doc.version);
    if (contacts) tx.delete('settings', contacts.id, contacts.version);
  });
  try {
    const result = await importWorkspace(ctx.store, file);
    const own = members.find((doc) => doc.id === actor.uid);
    if (own && !(await ctx.store.get('members', actor.uid))) {
      await ctx.store.runTransaction(async (tx) => {
        if (!(await tx.get('members', actor.uid))) tx.create('members', actor.uid, own.data);
      });
    }
    return result;
  } catch (error) {
    // The import wrote nothing (it refused, or the database failed on its first batch): put the setup back.
    if ((await ctx.store.query('members', { limit: 1 })).length === 0) {
      await ctx.store.runTransaction(async (tx) => {
        for (const doc of members) tx.create('members', doc.id, doc.data);
        for (const doc of records) tx.create('activity', doc.id, doc.data);
        if (contacts) tx.create('settings', contacts.id, contacts.data);
      });
    }
    throw error;
  }
}

export function registerAdminRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const requireAdmin = async (request: FastifyRequest) => {
    const signedIn = await ctx.authenticate(request);
    assertCanRun(signedIn.actor, 'member.upsert');
    return signedIn;
  };

  app.post('/api/admin/members', async (request) => {
    const { actor } = await requireAdmin(request);
    const result = await createMemberWithAccount(ctx, actor, request.body);
    request.log.info({ by: actor.uid, uid: result.uid }, 'member created');
    return result;
  });

  app.post<{ Params: { uid: string } }>('/api/admin/members/:uid/password', async (request) => {
    const { actor } = await requireAdmin(request);
    const uid = request.params.uid;
    const member = await ctx.store.get<Member>('members', uid);
    if (!member) throw new ApiError('not-found', 'errors.notFound.member', { uid });
    const temporaryPassword = generatePassword();
    const passwordHash = await hashPassword(temporaryPassword);
    const account = await ctx.accounts.findByUid(uid);
    if (account) {
      await ctx.accounts.setPassword(uid, passwordHash);
    } else {
      // A member without an account yet (imported, or made in Firebase mode): the reset gives them one.
      const email = member.data.email ? normaliseEmail(member.data.email) : '';
      if (!EMAIL_PATTERN.test(email)) {
        throw new DomainError('failed-precondition', 'errors.validation', {}, [{ path: 'email', messageKey: 'errors.email.invalid' }]);
      }
      if (!(await ctx.accounts.create({ uid, email, passwordHash, disabled: member.data.disabled }))) {
        throw new DomainError('failed-precondition', 'errors.validation', {}, [{ path: 'email', messageKey: 'auth.error.emailTaken' }]);
      }
    }
    // Whoever had the old password (or a session) is out.
    await ctx.accounts.deleteSessionsOf(uid);
    ctx.hub.endSessionsOf(uid);
    request.log.info({ by: actor.uid, uid }, 'password reset');
    return { temporaryPassword };
  });

  // The documents put aside at start as unreadable (db/quarantine.ts): the list for the banner, and
  // the download of them as stored. Admins only, like the export: they hold any bank's figures.
  app.get('/api/admin/quarantine', async (request) => {
    await requireAdmin(request);
    return { documents: await listQuarantined(ctx.db) };
  });

  app.get('/api/admin/quarantine/download', async (request, reply) => {
    const { actor } = await requireAdmin(request);
    const documents = await readQuarantined(ctx.db);
    request.log.info({ by: actor.uid, count: documents.length }, 'quarantined documents downloaded');
    return reply
      .header('content-disposition', 'attachment; filename="clearway-quarantined-records.json"')
      .send({ quarantined: documents });
  });

  app.get('/api/admin/export', async (request, reply) => {
    const { actor } = await requireAdmin(request);
    const file = await exportWorkspace(ctx.store, { now: ctx.now });
    request.log.info({ by: actor.uid }, 'workspace exported');
    const day = ctx.now().toISOString().slice(0, 10);
    return reply.header('content-disposition', `attachment; filename="clearway-workspace-${day}.json"`).send(file);
  });

  app.post(
    '/api/admin/import',
    { bodyLimit: 256 * 1024 * 1024, config: { jsonLimits: IMPORT_JSON_LIMITS } },
    async (request) => {
      const { actor } = await requireAdmin(request);
      const result = await importOverSetup(ctx, actor, request.body);
      const members = await ctx.store.query<Member>('members');
      for (const member of members) await followMembership(ctx, member.id);
      request.log.info({ by: actor.uid, counts: result.counts }, 'workspace imported');
      return result;
    },
  );
}
