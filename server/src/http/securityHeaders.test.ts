import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { computeSecurityHeaders, registerSecurityHeaders } from './securityHeaders';

describe('security headers', () => {
  it('are what helmet sets, worked out once, on every answer', async () => {
    const options = { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", "'sha256-abc'"], upgradeInsecureRequests: null } }, hsts: false };
    const headers = computeSecurityHeaders(options);
    expect(headers['content-security-policy']).toContain("script-src 'self' 'sha256-abc'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers).not.toHaveProperty('strict-transport-security');
    expect(computeSecurityHeaders({ hsts: true })['strict-transport-security']).toMatch(/max-age=\d+/);

    const app = Fastify();
    registerSecurityHeaders(app, options);
    app.get('/ok', async () => ({ ok: true }));
    app.get('/fails', async () => {
      throw new Error('no');
    });
    for (const url of ['/ok', '/fails', '/missing']) {
      const answer = await app.inject({ url });
      for (const [name, value] of Object.entries(headers)) expect(answer.headers[name], `${url} ${name}`).toBe(value);
    }
    await app.close();
  });

  it('refuses options helmet refuses, at start', () => {
    expect(() => computeSecurityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'; img-src *"] } } })).toThrow();
  });
});
