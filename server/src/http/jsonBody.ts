/**
 * JSON bodies with a shape budget. Fastify's own parser (secure-json-parse: no __proto__ or
 * constructor.prototype keys) parses; this then refuses a body nested too deep or made of too many
 * values before any handler or zod schema walks it. Fastify caps the bytes (bodyLimit) but has no
 * depth or size-in-values limit, hence the small walk below.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

export interface JsonLimits {
  maxDepth: number;
  /** Object keys plus array items, over the whole body. */
  maxValues: number;
}

export const COMMAND_JSON_LIMITS: JsonLimits = { maxDepth: 16, maxValues: 5_000 };
/** A whole-workspace import: thousands of projects, lines and activity records. */
export const IMPORT_JSON_LIMITS: JsonLimits = { maxDepth: 24, maxValues: 20_000_000 };

declare module 'fastify' {
  interface FastifyContextConfig {
    jsonLimits?: JsonLimits;
  }
}

/** Throws when `value` goes deeper or holds more values than `limits` allows. */
export function assertJsonWithin(value: unknown, limits: JsonLimits): void {
  let values = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > limits.maxDepth) throw new ApiError('invalid-argument', 'errors.request.tooDeep', { max: limits.maxDepth });
    const children = Array.isArray(current) ? current : Object.values(current as Record<string, unknown>);
    values += children.length;
    if (values > limits.maxValues) throw new ApiError('resource-exhausted', 'errors.request.tooLarge', {}, { status: 413 });
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}

export function registerJsonParser(app: FastifyInstance, defaults: JsonLimits = COMMAND_JSON_LIMITS): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    parse(request, String(body), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      try {
        assertJsonWithin(value, request.routeOptions.config.jsonLimits ?? defaults);
      } catch (limitError) {
        return done(limitError as Error, undefined);
      }
      done(null, value);
    });
  });
}
