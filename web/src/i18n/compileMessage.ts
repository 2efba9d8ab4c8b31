/**
 * The app's message compiler, given to vue-i18n as `messageCompiler`. The build drops vue-i18n's own
 * compiler (`__INTLIFY_DROP_MESSAGE_COMPILER__`, about 6 KB gzip of the first load) because our
 * message files use only a small part of its syntax:
 * - `{name}` and `{0}` placeholders (spaces inside the braces allowed),
 * - `{'@'}`-style literals, for the characters the syntax reserves (`{ } @ | $`),
 * - plural forms separated by `|`.
 * Linked messages (`@:key`, `@.modifier:key`) are not supported: a message that uses one, like any
 * message this grammar cannot read, is reported through `onError` and shows as written.
 * `compileMessage.test.ts` checks every message of both locales against vue-i18n's own compiler.
 */
import type { CompileError, MessageCompiler, MessageCompilerContext, MessageContext, MessageFunction } from 'vue-i18n';

type Part = { text: string } | { named: string } | { index: number };
/** One plural form: its parts, or its whole text when it has no placeholder. */
type Form = Part[] | string;

class MessageSyntaxError extends SyntaxError implements CompileError {
  /** vue-i18n's errors carry a numeric code; this compiler has one kind of error. */
  readonly code = 0;

  constructor(message: string, source: string) {
    super(`${message} in message "${source}"`);
    this.name = 'MessageSyntaxError';
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;
const INDEX = /^\d+$/;

/** The text of a `'…'` literal (without its quotes), with `\'`, `\\`, `\uXXXX` and `\UXXXXXX` escapes. */
function unquote(body: string, source: string): string {
  let out = '';
  for (let i = 0; i < body.length; i += 1) {
    const char = body[i] as string;
    if (char === "'") throw new MessageSyntaxError('an unescaped quote inside a literal', source);
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[i + 1];
    if (next === "'" || next === '\\') {
      out += next;
      i += 1;
    } else if (next === 'u' || next === 'U') {
      const length = next === 'u' ? 4 : 6;
      const hex = body.slice(i + 2, i + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new MessageSyntaxError('a bad unicode escape', source);
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += 1 + length;
    } else {
      throw new MessageSyntaxError('an unknown escape in a literal', source);
    }
  }
  return out;
}

function placeholder(inner: string, source: string): Part {
  const body = inner.trim();
  if (body.length >= 2 && body.startsWith("'") && body.endsWith("'")) return { text: unquote(body.slice(1, -1), source) };
  if (INDEX.test(body)) return { index: Number(body) };
  if (IDENTIFIER.test(body)) return { named: body };
  throw new MessageSyntaxError(`an unreadable placeholder {${inner}}`, source);
}

/** Splits a message into its plural forms, each a list of parts (adjacent texts joined). */
export function parseMessage(source: string): Form[] {
  const forms: Part[][] = [[]];
  let text = '';
  const flush = (): void => {
    if (text) (forms[forms.length - 1] as Part[]).push({ text });
    text = '';
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i] as string;
    if (char === '{') {
      const end = findClosingBrace(source, i);
      const part = placeholder(source.slice(i + 1, end), source);
      if ('text' in part) text += part.text;
      else {
        flush();
        (forms[forms.length - 1] as Part[]).push(part);
      }
      i = end;
    } else if (char === '}') {
      throw new MessageSyntaxError('an unopened }', source);
    } else if (char === '@' && /^@(?:\.[A-Za-z]+)?:/.test(source.slice(i))) {
      throw new MessageSyntaxError('a linked message (not supported)', source);
    } else if (char === '|') {
      // Plural forms are trimmed around the pipe, as vue-i18n does.
      text = text.trimEnd();
      flush();
      forms.push([]);
      while (source[i + 1] === ' ' || source[i + 1] === '\t' || source[i + 1] === '\n' || source[i + 1] === '\r') i += 1;
    } else {
      text += char;
    }
  }
  flush();
  return forms.map((parts) => (parts.every((part) => 'text' in part) ? parts.map((part) => (part as { text: string }).text).join('') : parts));
}

/** The index of the `}` closing the `{` at `open`, skipping braces inside a quoted literal. */
function findClosingBrace(source: string, open: number): number {
  let quoted = false;
  for (let i = open + 1; i < source.length; i += 1) {
    const char = source[i];
    if (quoted && char === '\\') i += 1;
    else if (char === "'") quoted = !quoted;
    else if (!quoted && char === '{') break;
    else if (!quoted && char === '}') return i;
  }
  throw new MessageSyntaxError('an unclosed {', source);
}

/** The context as vue-i18n's own message functions use it: its typings leave these two out as internal. */
interface FormatContext extends MessageContext {
  normalize(parts: unknown[]): string;
  interpolate(value: unknown): unknown;
}

/** What vue-i18n's own message functions do with each kind of part (see core-base's `format`). */
function render(ctx: FormatContext, form: Form): string {
  if (typeof form === 'string') return ctx.type === 'text' ? form : ctx.normalize([form]);
  return ctx.normalize(
    form.map((part) => {
      if ('text' in part) return part.text;
      return ctx.interpolate('named' in part ? ctx.named(part.named) : ctx.list(part.index));
    }),
  );
}

function toFunction(forms: Form[]): MessageFunction {
  const single = forms.length === 1 ? (forms[0] as Form) : null;
  const fn = (ctx: FormatContext): string => (single !== null ? render(ctx, single) : ctx.plural(forms.map((form) => render(ctx, form))));
  return fn as MessageFunction;
}

/** Compiled functions by vue-i18n's cache key (locale, key and text): it stamps `locale`/`key` on each. */
const cache = new Map<string, MessageFunction>();

export const compileMessage: MessageCompiler = (message, context: MessageCompilerContext) => {
  if (typeof message !== 'string') {
    context.onError?.(new MessageSyntaxError('a precompiled (AST) message (not supported)', context.key));
    return () => context.key;
  }
  const cacheKey = context.onCacheKey?.(message) ?? message;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let compiled: MessageFunction;
  try {
    compiled = toFunction(parseMessage(message));
  } catch (error) {
    if (!(error instanceof MessageSyntaxError)) throw error;
    context.onError?.(error);
    return () => message;
  }
  cache.set(cacheKey, compiled);
  return compiled;
};
