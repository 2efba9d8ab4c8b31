/**
 * The built web app from web/dist. index.html gets the runtime config script, so the one web
 * build uses the server backend when served from here and the in-browser demo elsewhere. Any
 * path that is not a file and not under /api answers with index.html (the app's router decides).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONFIG_SCRIPT_BODY = 'window.__CLEARWAY__={"backend":"server"}';
export const CONFIG_SCRIPT = `<script>${CONFIG_SCRIPT_BODY}</script>`;
/** For the Content-Security-Policy: this one inline script, and no other, may run. */
export const CONFIG_SCRIPT_HASH = createHash('sha256').update(CONFIG_SCRIPT_BODY).digest('base64');

export function injectConfig(html: string): string {
  const head = html.search(/<head[^>]*>/i);
  if (head < 0) return `${CONFIG_SCRIPT}${html}`;
  const end = html.indexOf('>', head) + 1;
  return `${html.slice(0, end)}\n    ${CONFIG_SCRIPT}${html.slice(end)}`;
}

const MISSING_BUILD = `<!doctype html><meta charset="utf-8"><title>Clearway</title>
<p>The web app is not built yet: run <code>npm run build -w web</code> (npm start does it), then reload.</p>`;

export async function registerSpa(
  app: FastifyInstance,
  webDist: string,
  apiNotFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply,
): Promise<void> {
  const indexFile = join(webDist, 'index.html');
  let cached: { mtimeMs: number; html: string } | null = null;
  // Re-read when the file changes, so a rebuild under a running server is served without a restart.
  const indexHtml = (): string | null => {
    if (!existsSync(indexFile)) return null;
    const { mtimeMs } = statSync(indexFile);
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, html: injectConfig(readFileSync(indexFile, 'utf8')) };
    return cached.html;
  };
  const sendIndex = (reply: FastifyReply) => {
    const html = indexHtml();
    if (html === null) return reply.code(503).type('text/html; charset=utf-8').send(MISSING_BUILD);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };

  if (existsSync(webDist)) {
    await app.register(fastifyStatic, {
      root: webDist,
      index: false,
      wildcard: true,
      // Vite names built assets by content hash: they never change under the same name.
      setHeaders: (reply, path) => {
        if (path.includes('/assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  }
  app.get('/', (_request, reply) => sendIndex(reply));
  app.get('/index.html', (_request, reply) => sendIndex(reply));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const missingFile = /\.[a-z0-9]+$/i.test(path) && !path.endsWith('.html');
    if (missingFile || path.startsWith('/api/') || path === '/api' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return apiNotFound(request, reply);
    }
    return sendIndex(reply);
  });
}
