/**
 * GET /api/realtime: the WebSocket of one tab. The upgrade needs a live session (cookie) and an
 * allowed Origin (checked by the onRequest hook like every state-changing request); without a
 * session the socket opens only to say `signedOut` and close with 4401, which a browser can see
 * (a refused upgrade looks like any network failure to it).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app';
import { ApiError } from '../http/errors';
import { BINARY_FRAMES_PARAM, SIGNED_OUT_CLOSE_CODE, sendJson } from './hub';

const MAX_MESSAGE_CHARS = 64 * 1024;
/**
 * A ping every 30 s keeps the socket open through proxies that close idle connections (nginx:
 * 60 s by default), and a socket whose peer stopped answering is dropped at the next ping.
 */
const HEARTBEAT_MS = 30_000;

export function registerRealtimeRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/realtime', { websocket: true }, async (socket, request) => {
    // This release's tabs ask for binary frames; an older tab still open after an upgrade reads text only.
    const binaryFrames = new URL(request.url, 'http://localhost').searchParams.get(BINARY_FRAMES_PARAM) === 'binary';
    // Messages that arrive while the session is checked wait here, in order.
    const early: string[] = [];
    let deliver: ((text: string) => void) | null = null;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text.length > MAX_MESSAGE_CHARS) return;
      if (deliver) deliver(text);
      else early.push(text);
    });

    let signedIn;
    try {
      signedIn = await ctx.authenticate(request);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        // The database is unreachable, not the session gone: the tab reconnects and tries again.
        request.log.error({ err: error }, 'realtime session check failed');
        socket.close(1011, 'try again');
        return;
      }
      sendJson(socket, '{"type":"signedOut"}', binaryFrames);
      socket.close(SIGNED_OUT_CLOSE_CODE, 'signed out');
      return;
    }
    const connection = ctx.hub.add(socket, signedIn.actor, signedIn.session.tokenHash, binaryFrames);
    let answering = true;
    socket.on('pong', () => (answering = true));
    const heartbeat = setInterval(() => {
      if (!answering) return socket.terminate();
      answering = false;
      socket.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    socket.on('close', () => {
      clearInterval(heartbeat);
      ctx.hub.remove(connection);
    });
    socket.on('error', () => ctx.hub.remove(connection));
    deliver = (text) => connection.receive(text);
    for (const text of early.splice(0)) connection.receive(text);
  });
}
