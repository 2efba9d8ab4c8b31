/**
 * The WebChannel wire format (BrowserChannel, wire version 8) as Firestore's browser SDK speaks it;
 * see ../../../../../shared/WEBCHANNEL.md and the client in @firebase/webchannel-wrapper. No npm
 * package implements the server side of this protocol, hence this hand-written one.
 */

/** One frame of a response: its length in UTF-16 code units (the client slices a JS string), a newline, the JSON. */
export function chunk(json: string): string {
  return `${json.length}\n${json}`;
}

/** Parses a response body into its frames (for tests and the probe). */
export function parseChunks(body: string): unknown[] {
  const frames: unknown[] = [];
  let at = 0;
  while (at < body.length) {
    const newline = body.indexOf('\n', at);
    if (newline < 0) throw new Error(`a frame without a length at ${at}`);
    const length = Number(body.slice(at, newline));
    if (!Number.isInteger(length)) throw new Error(`a bad frame length at ${at}`);
    const start = newline + 1;
    if (start + length > body.length) throw new Error(`a frame cut short at ${at}`);
    frames.push(JSON.parse(body.slice(start, start + length)));
    at = start + length;
  }
  return frames;
}

export interface ForwardBody {
  /** Init headers (the handshake carries `Authorization` and the like in the body). */
  headers: Record<string, string>;
  /** Maps by id: `ofs` + their index. */
  maps: { id: number; data: string }[];
}

/** A forward-channel body: `headers=…&count=N&ofs=K&req0___data__=…`. */
export function parseForwardBody(body: string): ForwardBody {
  const form = new URLSearchParams(body);
  const headers: Record<string, string> = {};
  for (const line of (form.get('headers') ?? '').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const count = Number(form.get('count') ?? 0);
  const offset = Number(form.get('ofs') ?? 0);
  const maps: { id: number; data: string }[] = [];
  for (let index = 0; index < count; index++) {
    const data = form.get(`req${index}___data__`);
    if (data !== null) maps.push({ id: offset + index, data });
  }
  return { headers, maps };
}

/** The client's form body for maps `messages` starting at `offset` (tests). */
export function forwardBody(messages: unknown[], offset: number, headers?: Record<string, string>): string {
  const parts: string[] = [];
  if (headers) {
    const encoded = Object.entries(headers)
      .map(([name, value]) => `${name}:${value}\r\n`)
      .join('');
    parts.push(`headers=${encodeURIComponent(encoded)}`);
  }
  parts.push(`count=${messages.length}`, `ofs=${offset}`);
  messages.forEach((message, index) => parts.push(`req${index}___data__=${encodeURIComponent(JSON.stringify(message))}`));
  return parts.join('&');
}

/** Origins a test bridge answers: loopback only, any port. */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    const { hostname, protocol } = new URL(origin);
    if (protocol !== 'http:' && protocol !== 'https:') return false;
    return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
}
