/**
 * Fake 企业微信 / 钉钉 robots and an SMTP server (smtp-server) on loopback, for the delivery tests
 * of both the team server (server/src/notify) and the scheduled function (functions/src). Shared
 * test support at the repository root, so neither package reaches into the other's sources; the
 * 钉钉 加签 is computed here from the robot's documented rule, not with the code under test.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RobotRequest {
  path: string;
  query: URLSearchParams;
  body: { msgtype: string; markdown: { content?: string; title?: string; text?: string } };
}

export interface FakeRobots {
  url: string;
  /** The messages the robots accepted. */
  requests: RobotRequest[];
  /** How many requests reached each path, accepted or not. */
  hits: Map<string, number>;
  /** Answer the next `n` requests to `path` with HTTP 503. */
  failNext(n: number, path: string): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `/wecom` answers as the 企业微信 robot, `/dingtalk` as a 钉钉 robot with 加签 by `dingtalkSecret`. */
export async function startFakeRobots(dingtalkSecret: string): Promise<FakeRobots> {
  const requests: RobotRequest[] = [];
  const hits = new Map<string, number>();
  const failing = new Map<string, number>();
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const body = JSON.parse(await readBody(request)) as RobotRequest['body'];
      hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
      response.setHeader('content-type', 'application/json');
      const toFail = failing.get(url.pathname) ?? 0;
      if (toFail > 0) {
        failing.set(url.pathname, toFail - 1);
        response.statusCode = 503;
        response.end('{}');
        return;
      }
      if (url.pathname === '/dingtalk') {
        const timestamp = Number(url.searchParams.get('timestamp'));
        const expected = createHmac('sha256', dingtalkSecret).update(`${timestamp}\n${dingtalkSecret}`).digest('base64');
        if (url.searchParams.get('sign') !== expected) {
          response.end(JSON.stringify({ errcode: 310000, errmsg: 'sign not match' }));
          return;
        }
      }
      requests.push({ path: url.pathname, query: url.searchParams, body });
      response.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    hits,
    failNext(n, path) {
      failing.set(path, n);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface FakeSmtp {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Accepts user `bot` with password `smtp-pass` (or no login), keeps every mail it receives. */
export async function startFakeSmtp(): Promise<FakeSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'bot' && auth.password === 'smtp-pass') callback(null, { user: 'bot' });
      else callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const soft = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The mail's headers and parts as readable text (RFC 2047 words, base64 and quoted-printable decoded). */
export function readableMail(raw: string): string {
  const headers = raw
    .replace(/\r\n[ \t]+/g, ' ')
    .replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
  const parts = [...raw.matchAll(/Content-Transfer-Encoding: (base64|quoted-printable)\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)(?=\r\n--|\r\n\.\r\n|$)/gi)].map(([, enc, body]) =>
    enc!.toLowerCase() === 'base64' ? Buffer.from(body!.replace(/\s+/g, ''), 'base64').toString('utf8') : decodeQuotedPrintable(body!),
  );
  return [headers, ...parts].join('\n');
}
