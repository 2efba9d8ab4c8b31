import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { DomainError, type Actor } from '@clearway/core';
import { createServerBackendWith, type ServerBackend } from './adapter';
import { fromHttpError, retryAfterSeconds } from './errors';
import { FakeSocket } from './testing';
import { messages } from '../../i18n/messages';

const staff: Actor = { uid: 'u-staff', name: '王敏', role: 'staff', bankId: null };
const BASE = 'http://127.0.0.1:4321';
const THROTTLED = { error: { code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts', params: {}, fieldErrors: [] } };

function lookup(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), tree);
}

let backend: ServerBackend | null = null;
afterEach(() => {
  backend?.dispose();
  backend = null;
});

describe('a 429 from the team server', () => {
  it('is resource-exhausted, never unauthenticated, with or without a body', () => {
    expect(fromHttpError(429, THROTTLED).toJSON()).toMatchObject({ code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts' });
    expect(fromHttpError(429, '<html>proxy</html>').toJSON()).toMatchObject({ code: 'resource-exhausted', messageKey: 'auth.error.tooManyAttempts' });
    // A body claiming another code does not turn a throttle into a sign-out.
    expect(fromHttpError(429, { error: { code: 'unauthenticated', messageKey: 'errors.request.tooMany' } }).code).toBe('resource-exhausted');
    expect(fromHttpError(401, null).code).toBe('unauthenticated');
  });

  it('says how long to wait when Retry-After tells it: seconds under two minutes, else minutes', () => {
    expect(fromHttpError(429, THROTTLED, '42').toJSON()).toMatchObject({
      code: 'resource-exhausted',
      messageKey: 'errors.request.retryInSeconds',
      params: { seconds: 42 },
    });
    expect(fromHttpError(429, THROTTLED, '0').toJSON()).toMatchObject({ params: { seconds: 1 } });
    expect(fromHttpError(429, THROTTLED, '900').toJSON()).toMatchObject({ messageKey: 'errors.request.retryInMinutes', params: { minutes: 15 } });
    expect(fromHttpError(429, THROTTLED, '121').toJSON()).toMatchObject({ messageKey: 'errors.request.retryInMinutes', params: { minutes: 3 } });
    // An unreadable header falls back to the body's reason.
    expect(fromHttpError(429, THROTTLED, 'soon').messageKey).toBe('auth.error.tooManyAttempts');
    // Only a 429 reads it.
    expect(fromHttpError(503, null, '30').messageKey).toBe('auth.error.unavailable');
  });

  it('reads Retry-After as delay-seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-01T08:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds(' 7 ', now)).toBe(7);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 08:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Sun, 01 Mar 2026 07:59:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds(null, now)).toBeNull();
    expect(retryAfterSeconds('', now)).toBeNull();
    expect(retryAfterSeconds('-5', now)).toBeNull();
    expect(retryAfterSeconds('tomorrow-ish', now)).toBeNull();
  });

  it.each(['zh-CN', 'en'] as const)('has %s texts naming the wait', (locale) => {
    expect(lookup(messages[locale], 'errors.request.retryInSeconds')).toEqual(expect.stringContaining('{seconds}'));
    expect(lookup(messages[locale], 'errors.request.retryInMinutes')).toEqual(expect.stringContaining('{minutes}'));
  });

  it('reads as people see it in both languages', () => {
    // vue-i18n's typed composer over the whole message tree is too deep for the checker: a plain shape.
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: messages as never }) as unknown as {
      global: { t: (key: string, params: Record<string, unknown>) => string; locale: { value: string } };
    };
    const say = (error: DomainError) => i18n.global.t(error.messageKey, error.params);
    expect(say(fromHttpError(429, THROTTLED, '900'))).toBe('尝试次数过多，请 15 分钟后再试');
    expect(say(fromHttpError(429, THROTTLED, '20'))).toBe('尝试次数过多，请 20 秒后再试');
    i18n.global.locale.value = 'en';
    expect(say(fromHttpError(429, THROTTLED, '900'))).toBe('Too many attempts; try again in 15 min');
  });

  it('a throttled command keeps the tab signed in and carries the wait from the header', async () => {
    const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      if (path === '/api/session' && (init?.method ?? 'GET') === 'GET') return Response.json({ actor: staff });
      return new Response(JSON.stringify({ error: { code: 'resource-exhausted', messageKey: 'errors.request.tooMany' } }), {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '30' },
      });
    }) as typeof fetch;
    backend = await createServerBackendWith({ baseUrl: BASE, fetch: fetchImpl, createSocket: (url) => new FakeSocket(url), random: () => 1 });
    let current: Actor | null = staff;
    backend.watchActor((actor) => (current = actor));
    const refusal = await backend.execute({ name: 'project.move', payload: {} } as never).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).toJSON()).toMatchObject({ code: 'resource-exhausted', messageKey: 'errors.request.retryInSeconds', params: { seconds: 30 } });
    expect(current).toEqual(staff);
    expect(backend.auth.endedReason()).toBeNull();
  });
});
