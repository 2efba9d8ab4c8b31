/**
 * Signing in and out, and changing one's own password. Failed sign-ins are counted per account and
 * per address in the database (auth/loginThrottle.ts, shared by every process on it), so guessing
 * one person's password and trying one password on everybody are both throttled, while a
 * successful sign-in costs nothing. A throttled attempt is told how long to wait (Retry-After).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../app';
import { normaliseEmail } from '../auth/accounts';
import { assertAcceptablePassword, decoyPasswordHash, hashPassword, verifyPassword, MAX_PASSWORD_LENGTH } from '../auth/passwords';
import { clearSessionCookie, memberActor, SESSION_COOKIE, setSessionCookie } from '../auth/sessionGuard';
import { ApiError } from './errors';

interface Credentials {
  email: string;
  password: string;
}

function credentialsOf(body: unknown): Credentials {
  const raw = (body ?? {}) as Record<string, unknown>;
  const fieldErrors = [];
  if (typeof raw.email !== 'string' || raw.email.trim() === '' || raw.email.length > 320) {
    fieldErrors.push({ path: 'email', messageKey: 'errors.email.invalid' });
  }
  if (typeof raw.password !== 'string' || raw.password === '' || raw.password.length > MAX_PASSWORD_LENGTH) {
    fieldErrors.push({ path: 'password', messageKey: 'errors.field.required' });
  }
  if (fieldErrors.length) throw new ApiError('invalid-argument', 'errors.validation', {}, { fieldErrors });
  return { email: normaliseEmail(raw.email as string), password: raw.password as string };
}

const tooManyAttempts = (retryAfterSeconds: number) => new ApiError('resource-exhausted', 'auth.error.tooManyAttempts', { seconds: retryAfterSeconds });

export function registerSessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { accounts, config, loginThrottle } = ctx;
  const throttleKeys = (request: FastifyRequest, email: string) => [
    { key: `account:${email}`, max: config.loginMaxFailuresPerAccount },
    // Settled failures only: an office behind one address signs in all at once (loginThrottle.ts).
    { key: `address:${request.ip}`, max: config.loginMaxFailuresPerAddress, counts: 'settled' as const },
    // …and a bound on how many it checks at once, given back as each settles.
    { key: `address-in-flight:${request.ip}`, max: config.loginMaxInFlightPerAddress, counts: 'inFlight' as const },
  ];

  app.get('/api/session', async (request) => {
    const { actor } = await ctx.authenticate(request);
    return { actor };
  });

  app.post('/api/session', async (request, reply) => {
    const { email, password } = credentialsOf(request.body);
    const attempt = await loginThrottle.attempt(throttleKeys(request, email), ctx.now());
    if (!attempt.allowed) {
      reply.header('retry-after', String(attempt.retryAfterSeconds));
      request.log.info({ email }, 'sign-in refused: too many failed attempts');
      throw tooManyAttempts(attempt.retryAfterSeconds);
    }
    const account = await accounts.findByEmail(email);
    const valid = account ? await verifyPassword(account.passwordHash, password) : await verifyPassword(await decoyPasswordHash(), password);
    if (!account || !valid) {
      await loginThrottle.fail(attempt, ctx.now());
      request.log.info({ email }, 'sign-in refused: bad credentials');
      throw new ApiError('unauthenticated', 'auth.error.badCredentials');
    }
    // The right password: the attempt does not count against the account or the address.
    await loginThrottle.release(attempt);
    const actor = await memberActor(ctx.store, account.uid);
    if (actor instanceof ApiError) throw actor;
    if (account.disabled) throw new ApiError('permission-denied', 'auth.error.disabled');
    const { token, session } = await accounts.createSession(account.uid, ctx.now(), config.sessionTtlMs);
    setSessionCookie(reply, token, session.expiresAt, config.cookieSecure);
    request.log.info({ uid: account.uid }, 'signed in');
    return { actor };
  });

  app.delete('/api/session', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const tokenHash = accounts.hashToken(token);
      await accounts.deleteSession(tokenHash);
      ctx.hub.endSession(tokenHash);
    }
    clearSessionCookie(reply, config.cookieSecure);
    return { ok: true };
  });

  app.post('/api/session/password', async (request) => {
    const { session } = await ctx.authenticate(request);
    const raw = (request.body ?? {}) as Record<string, unknown>;
    assertAcceptablePassword(raw.newPassword);
    const account = await accounts.findByUid(session.uid);
    if (!account || typeof raw.currentPassword !== 'string' || !(await verifyPassword(account.passwordHash, raw.currentPassword))) {
      throw new ApiError('invalid-argument', 'errors.validation', {}, {
        fieldErrors: [{ path: 'currentPassword', messageKey: 'auth.error.wrongPassword' }],
      });
    }
    await accounts.setPassword(session.uid, await hashPassword(raw.newPassword));
    // Whoever knew the old password is signed out everywhere else; this tab stays signed in.
    await accounts.deleteSessionsOf(session.uid, session.tokenHash);
    for (const other of ctx.hub.sessionsOf(session.uid)) if (other !== session.tokenHash) ctx.hub.endSession(other);
    return { ok: true };
  });
}
