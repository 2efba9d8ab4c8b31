/**
 * The admin page's delivery section on the team server: the delivery log, and a test message to
 * one channel. The channels themselves are saved with the `notify.setChannels` command.
 */
import type { FastifyInstance } from 'fastify';
import { assertCanRun, DomainError, NOTIFY_CHANNEL_KINDS, type NotifyChannelKind } from '@clearway/core';
import type { ServerContext } from '../app';
import type { SqlExecutor } from '../db/sqlClient';
import { readDeliveryLog } from '../notify/delivery';
import { sendTestMessage } from '../notify/job';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function registerNotifyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const sql: SqlExecutor = {
    query: (text, params) => ctx.db.sql(text, params),
    exec: async (script) => {
      await ctx.db.sql(script);
    },
  };
  const requireAdmin = async (request: Parameters<ServerContext['authenticate']>[0]) => {
    const signedIn = await ctx.authenticate(request);
    assertCanRun(signedIn.actor, 'notify.setChannels');
    return signedIn;
  };

  app.get('/api/admin/deliveries', async (request) => {
    await requireAdmin(request);
    return { entries: await readDeliveryLog(sql, 200) };
  });

  app.post('/api/admin/notify/test', async (request) => {
    const { actor } = await requireAdmin(request);
    const body = (request.body ?? {}) as { channel?: unknown; to?: unknown };
    if (typeof body.channel !== 'string' || !(NOTIFY_CHANNEL_KINDS as readonly string[]).includes(body.channel)) {
      throw new DomainError('invalid-argument', 'errors.validation', {}, [{ path: 'channel', messageKey: 'errors.field.invalid' }]);
    }
    const channel = body.channel as NotifyChannelKind;
    const to = typeof body.to === 'string' ? body.to.trim() : '';
    if (channel === 'email' && !EMAIL_PATTERN.test(to)) {
      throw new DomainError('invalid-argument', 'errors.validation', {}, [{ path: 'to', messageKey: 'errors.email.invalid' }]);
    }
    const outcome = await sendTestMessage({ store: ctx.store, sql, now: ctx.now }, channel, channel === 'email' ? to : null);
    request.log.info({ by: actor.uid, channel, status: outcome.status }, 'test message');
    return outcome;
  });
}
