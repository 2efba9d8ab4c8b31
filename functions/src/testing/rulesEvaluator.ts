/**
 * A small evaluator of the subset of the Firestore security rules language that firestore.rules
 * uses, so that the rules AS WRITTEN can be evaluated offline against real documents. It is
 * hand-written because no offline library evaluates rules: the official evaluator lives in the
 * Firestore emulator (Java 21 and a download at run time, neither available here; see DESIGN.md).
 *
 * Supported: `rules_version`, `service cloud.firestore`, nested `match` blocks with `{var}` and
 * `{var=**}` segments, `function name(params) { return expr; }`, `allow <methods>: if expr;`,
 * `||`, `&&`, `!`, `==`, `!=`, `in`, parentheses, member access, function calls, `get()`/`exists()`
 * on `/databases/$(database)/documents/...` paths with `$(expr)` segments, string/number/bool/null
 * literals, lists, `request.auth` (uid, token) and `resource.data`. Anything else is a parse error,
 * so a rule the evaluator does not understand fails the tests instead of passing silently.
 *
 * Semantics follow Firestore's: access is granted when any matching `allow` evaluates to true; an
 * error (a missing field, a `get` of a missing document, a wrong type) makes that `allow` false, but
 * `||`/`&&` still decide when their other side does (error || true is true, error && false is
 * false). A query is modelled as its result documents, each checked as a `get`; Firestore instead
 * proves the query from its constraints, so the app's queries must also carry those constraints
 * (tested with the web adapter's `scopeForActor`).
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value } | PathValue;

interface PathValue {
  kind: 'path';
  segments: string[];
}

class RulesError extends Error {}

type Expr =
  | { type: 'literal'; value: Value }
  | { type: 'list'; items: Expr[] }
  | { type: 'ident'; name: string }
  | { type: 'member'; object: Expr; property: string }
  | { type: 'call'; callee: string; args: Expr[] }
  | { type: 'path'; parts: (string | Expr)[] }
  | { type: 'not'; operand: Expr }
  | { type: 'binary'; op: '||' | '&&' | '==' | '!=' | 'in'; left: Expr; right: Expr };

interface RuleFunction {
  params: string[];
  body: Expr;
}

interface Allow {
  methods: string[];
  condition: Expr;
}

interface MatchBlock {
  pattern: string[];
  functions: Map<string, RuleFunction>;
  allows: Allow[];
  children: MatchBlock[];
}

// ---------------------------------------------------------------- lexer

type Token = { kind: 'punct' | 'ident' | 'string' | 'number' | 'path'; text: string };

function tokenize(source: string): Token[] {
  const text = source.replace(/\/\/[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  const tokens: Token[] = [];
  let i = 0;
  const pathStart = (at: number) => text[at] === '/' && /[a-zA-Z{$]/.test(text[at + 1] ?? '');
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (pathStart(i)) {
      // A path runs until whitespace, `)` of an enclosing call or `{` of a block; `$( … )` nests.
      let j = i;
      let depth = 0;
      while (j < text.length) {
        const d = text[j]!;
        if (d === '$' && text[j + 1] === '(') {
          depth += 1;
          j += 2;
          continue;
        }
        if (d === ')' && depth > 0) depth -= 1;
        else if (depth === 0 && (/\s/.test(d) || d === ')' || d === ',' || d === ';')) break;
        j += 1;
      }
      tokens.push({ kind: 'path', text: text.slice(i, j) });
      i = j;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new RulesError('unterminated string');
      tokens.push({ kind: 'string', text: text.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[a-zA-Z_]/.test(c)) {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['||', '&&', '==', '!='].includes(two)) {
        tokens.push({ kind: 'punct', text: two });
        i += 2;
      } else if ('{}()[];:,.=!'.includes(c)) {
        tokens.push({ kind: 'punct', text: c });
        i += 1;
      } else {
        throw new RulesError(`unexpected character ${c}`);
      }
    }
  }
  return tokens;
}

// ---------------------------------------------------------------- parser

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }
  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new RulesError('unexpected end of rules');
    return token;
  }
  private is(text: string): boolean {
    const token = this.peek();
    return token !== undefined && (token.kind === 'punct' || token.kind === 'ident') && token.text === text;
  }
  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) throw new RulesError(`expected ${text}, found ${token.text}`);
  }

  parseFile(): MatchBlock {
    this.expect('rules_version');
    this.expect('=');
    const version = this.next();
    if (version.kind !== 'string' || version.text !== '2') throw new RulesError('rules_version must be 2');
    this.expect(';');
    this.expect('service');
    const service = [this.next().text, this.next().text, this.next().text].join('');
    if (service !== 'cloud.firestore') throw new RulesError(`unsupported service ${service}`);
    this.expect('{');
    const root: MatchBlock = { pattern: [], functions: new Map(), allows: [], children: [] };
    this.parseBlockBody(root);
    if (this.peek()) throw new RulesError(`unexpected ${this.peek()!.text} after the service block`);
    return root;
  }

  /** Reads statements until the closing brace of the current block. */
  private parseBlockBody(block: MatchBlock): void {
    while (!this.is('}')) {
      if (this.is('match')) {
        this.next();
        const path = this.next();
        if (path.kind !== 'path') throw new RulesError('expected a match path');
        this.expect('{');
        const child: MatchBlock = { pattern: path.text.split('/').filter(Boolean), functions: new Map(), allows: [], children: [] };
        this.parseBlockBody(child);
        block.children.push(child);
      } else if (this.is('function')) {
        this.next();
        const name = this.next().text;
        this.expect('(');
        const params: string[] = [];
        while (!this.is(')')) {
          params.push(this.next().text);
          if (this.is(',')) this.next();
        }
        this.expect(')');
        this.expect('{');
        this.expect('return');
        const body = this.parseExpr();
        this.expect(';');
        this.expect('}');
        block.functions.set(name, { params, body });
      } else if (this.is('allow')) {
        this.next();
        const methods: string[] = [this.next().text];
        while (this.is(',')) {
          this.next();
          methods.push(this.next().text);
        }
        let condition: Expr = { type: 'literal', value: true };
        if (this.is(':')) {
          this.next();
          this.expect('if');
          condition = this.parseExpr();
        }
        this.expect(';');
        block.allows.push({ methods, condition });
      } else {
        throw new RulesError(`unexpected ${this.peek()?.text ?? 'end'} in a block`);
      }
    }
    this.expect('}');
  }

  parseExpr(): Expr {
    return this.parseOr();
  }
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.is('||')) {
      this.next();
      left = { type: 'binary', op: '||', left, right: this.parseAnd() };
    }
    return left;
  }
  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.is('&&')) {
      this.next();
      left = { type: 'binary', op: '&&', left, right: this.parseComparison() };
    }
    return left;
  }
  private parseComparison(): Expr {
    const left = this.parseUnary();
    for (const op of ['==', '!=', 'in'] as const) {
      if (this.is(op)) {
        this.next();
        return { type: 'binary', op, left, right: this.parseUnary() };
      }
    }
    return left;
  }
  private parseUnary(): Expr {
    if (this.is('!')) {
      this.next();
      return { type: 'not', operand: this.parseUnary() };
    }
    return this.parsePostfix();
  }
  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    while (this.is('.')) {
      this.next();
      expr = { type: 'member', object: expr, property: this.next().text };
    }
    return expr;
  }
  private parsePrimary(): Expr {
    const token = this.next();
    if (token.kind === 'string') return { type: 'literal', value: token.text };
    if (token.kind === 'number') return { type: 'literal', value: Number(token.text) };
    if (token.kind === 'path') return { type: 'path', parts: parsePathParts(token.text) };
    if (token.text === '(') {
      const inner = this.parseExpr();
      this.expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Expr[] = [];
      while (!this.is(']')) {
        items.push(this.parseExpr());
        if (this.is(',')) this.next();
      }
      this.expect(']');
      return { type: 'list', items };
    }
    if (token.kind === 'ident') {
      if (token.text === 'true' || token.text === 'false') return { type: 'literal', value: token.text === 'true' };
      if (token.text === 'null') return { type: 'literal', value: null };
      if (this.is('(')) {
        this.next();
        const args: Expr[] = [];
        while (!this.is(')')) {
          args.push(this.parseExpr());
          if (this.is(',')) this.next();
        }
        this.expect(')');
        return { type: 'call', callee: token.text, args };
      }
      return { type: 'ident', name: token.text };
    }
    throw new RulesError(`unexpected ${token.text}`);
  }
}

function parsePathParts(text: string): (string | Expr)[] {
  const parts: (string | Expr)[] = [];
  for (const segment of text.split('/').filter(Boolean)) {
    const m = /^\$\((.*)\)$/.exec(segment);
    if (m) {
      const parser = new Parser(tokenize(m[1]!));
      parts.push(parser.parseExpr());
    } else {
      parts.push(segment);
    }
  }
  return parts;
}

// ---------------------------------------------------------------- evaluation

/** Who asks: null when signed out. */
export interface RulesAuth {
  uid: string;
  token: Record<string, unknown>;
}

/** The database the rules' `get()`/`exists()` read: document data by `collection/id`, or null. */
export type RulesDatabase = (collection: string, id: string) => Record<string, unknown> | null;

export interface RulesRequest {
  auth: RulesAuth | null;
  method: 'get' | 'list';
  collection: string;
  id: string;
  /** The stored document (`resource.data`), or null when it does not exist. */
  resource: Record<string, unknown> | null;
}

const ERROR = Symbol('rules error');
type Result = Value | typeof ERROR;

function toValue(raw: unknown): Value {
  if (raw === undefined) return null;
  return raw as Value;
}

interface Scope {
  vars: Map<string, Value>;
  functions: Map<string, RuleFunction>;
}

export class FirestoreRules {
  private readonly root: MatchBlock;

  constructor(source: string) {
    this.root = new Parser(tokenize(source)).parseFile();
  }

  /** Whether `request` is allowed by any matching `allow`, with `database` behind get()/exists(). */
  allows(request: RulesRequest, database: RulesDatabase): boolean {
    const segments = ['databases', '(default)', 'documents', request.collection, request.id];
    let allowed = false;
    this.visit(this.root, segments, { vars: new Map(), functions: new Map() }, (block, scope) => {
      for (const allow of block.allows) {
        if (!allow.methods.some((m) => m === 'read' || m === request.method)) continue;
        const globals = new Map<string, Value>(scope.vars);
        globals.set('request', { auth: request.auth as unknown as Value, method: request.method });
        globals.set('resource', request.resource === null ? null : { data: toValue(request.resource), id: request.id });
        if (this.evaluate(allow.condition, { vars: globals, functions: scope.functions }, database) === true) allowed = true;
      }
    });
    return allowed;
  }

  /** Calls `onMatch` for every block whose full pattern matches `segments`. */
  private visit(
    block: MatchBlock,
    remaining: string[],
    scope: Scope,
    onMatch: (block: MatchBlock, scope: Scope) => void,
  ): void {
    const vars = new Map(scope.vars);
    let rest = remaining;
    for (let i = 0; i < block.pattern.length; i++) {
      const pattern = block.pattern[i]!;
      const wildcard = /^\{(\w+)(=\*\*)?\}$/.exec(pattern);
      if (wildcard?.[2]) {
        if (rest.length === 0) return;
        vars.set(wildcard[1]!, rest.join('/'));
        rest = [];
        break;
      }
      const segment = rest[0];
      if (segment === undefined) return;
      if (wildcard) vars.set(wildcard[1]!, segment);
      else if (pattern !== segment) return;
      rest = rest.slice(1);
    }
    const functions = new Map([...scope.functions, ...block.functions]);
    const inner: Scope = { vars, functions };
    if (rest.length === 0 && block.pattern.length > 0) onMatch(block, inner);
    for (const child of block.children) this.visit(child, rest, inner, onMatch);
  }

  private evaluate(expr: Expr, scope: Scope, database: RulesDatabase): Result {
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'list': {
        const items: Value[] = [];
        for (const item of expr.items) {
          const value = this.evaluate(item, scope, database);
          if (value === ERROR) return ERROR;
          items.push(value);
        }
        return items;
      }
      case 'ident':
        return scope.vars.has(expr.name) ? scope.vars.get(expr.name)! : ERROR;
      case 'member': {
        const object = this.evaluate(expr.object, scope, database);
        if (object === ERROR || object === null || typeof object !== 'object' || Array.isArray(object)) return ERROR;
        if ((object as PathValue).kind === 'path') return ERROR;
        const record = object as Record<string, Value>;
        return Object.prototype.hasOwnProperty.call(record, expr.property) && record[expr.property] !== undefined
          ? record[expr.property]!
          : ERROR;
      }
      case 'path': {
        const segments: string[] = [];
        for (const part of expr.parts) {
          if (typeof part === 'string') segments.push(part);
          else {
            const value = this.evaluate(part, scope, database);
            if (typeof value !== 'string') return ERROR;
            segments.push(value);
          }
        }
        return { kind: 'path', segments };
      }
      case 'not': {
        const value = this.evaluate(expr.operand, scope, database);
        return typeof value === 'boolean' ? !value : ERROR;
      }
      case 'call':
        return this.call(expr, scope, database);
      case 'binary':
        return this.binary(expr, scope, database);
    }
  }

  private call(expr: Extract<Expr, { type: 'call' }>, scope: Scope, database: RulesDatabase): Result {
    if (expr.callee === 'get' || expr.callee === 'exists') {
      const path = expr.args[0] ? this.evaluate(expr.args[0], scope, database) : ERROR;
      if (path === ERROR || path === null || typeof path !== 'object' || (path as PathValue).kind !== 'path') return ERROR;
      const segments = (path as PathValue).segments;
      // /databases/{db}/documents/{collection}/{id}
      if (segments.length !== 5 || segments[0] !== 'databases' || segments[2] !== 'documents') return ERROR;
      const doc = database(segments[3]!, segments[4]!);
      if (expr.callee === 'exists') return doc !== null;
      return doc === null ? ERROR : { data: toValue(doc), id: segments[4]! };
    }
    const fn = scope.functions.get(expr.callee);
    if (!fn) throw new RulesError(`unknown function ${expr.callee}`);
    const vars = new Map(scope.vars);
    for (let i = 0; i < fn.params.length; i++) {
      const value = expr.args[i] ? this.evaluate(expr.args[i]!, scope, database) : ERROR;
      if (value === ERROR) return ERROR;
      vars.set(fn.params[i]!, value);
    }
    return this.evaluate(fn.body, { vars, functions: scope.functions }, database);
  }

  private binary(expr: Extract<Expr, { type: 'binary' }>, scope: Scope, database: RulesDatabase): Result {
    if (expr.op === '||' || expr.op === '&&') {
      const decisive = expr.op === '||';
      const left = this.evaluate(expr.left, scope, database);
      if (left === decisive) return decisive;
      const right = this.evaluate(expr.right, scope, database);
      if (right === decisive) return decisive;
      if (left === ERROR || right === ERROR || typeof left !== 'boolean' || typeof right !== 'boolean') return ERROR;
      return !decisive;
    }
    const left = this.evaluate(expr.left, scope, database);
    const right = this.evaluate(expr.right, scope, database);
    if (left === ERROR || right === ERROR) return ERROR;
    if (expr.op === '==') return sameValue(left, right);
    if (expr.op === '!=') return !sameValue(left, right);
    if (!Array.isArray(right)) return ERROR;
    return right.some((item) => sameValue(left, item));
  }
}

function sameValue(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
