import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { compileMessage, parseMessage } from './compileMessage';
import { messages } from './messages';
import { LOCALES } from './index';
import type { MessageTree } from './messageTree';

function leaves(tree: MessageTree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : leaves(value, `${prefix}${key}.`),
  );
}

/** Values for every placeholder a message names, distinct per name so a swap would show. */
function paramsFor(source: string): Record<string, string> {
  const names = [...source.matchAll(/\{\s*([A-Za-z_]\w*)\s*\}/g)].map((match) => match[1] as string);
  return Object.fromEntries(names.map((name) => [name, `<${name}>`]));
}

/** vue-i18n with its own (full) compiler, which the app's build drops, beside ours. */
function translators(tree: Record<string, MessageTree>) {
  const options = { legacy: false as const, locale: 'x', messages: tree, missingWarn: false, fallbackWarn: false };
  const full = createI18n(options).global;
  const ours = createI18n({ ...options, messageCompiler: compileMessage }).global;
  return { full, ours };
}

describe('compileMessage', () => {
  it.each(LOCALES)('renders every %s message as vue-i18n’s own compiler does', (locale) => {
    const { full, ours } = translators({ x: messages[locale] });
    const entries = leaves(messages[locale]);
    expect(entries.length).toBeGreaterThan(100);
    for (const [key, source] of entries) {
      const params = paramsFor(source);
      expect(ours.t(key, params), key).toBe(full.t(key, params));
      expect(ours.t(key), key).toBe(full.t(key));
    }
  });

  it('reads placeholders, list indexes, literal escapes and plural forms as vue-i18n does', () => {
    const samples: MessageTree = {
      named: 'Hello {name}, { name }!',
      list: '{0} of {1}',
      at: "name{'@'}example.com",
      literals: "{'{'}braces{'}'} {'|'} {'\\''} {'\\\\'} {'\\u00e9'}",
      percent: 'Exporting {percent}%',
      plural: 'no apples | one apple | {count} apples',
      pluralTight: 'car|cars',
      plain: '纯文本：没有占位符',
      empty: '',
    };
    const { full, ours } = translators({ x: samples });
    for (const key of Object.keys(samples)) {
      expect(ours.t(key, { name: 'Ann', percent: 40, count: 7 }), key).toBe(full.t(key, { name: 'Ann', percent: 40, count: 7 }));
      expect(ours.t(key, ['a', 'b']), key).toBe(full.t(key, ['a', 'b']));
    }
    for (const count of [0, 1, 2, 7]) {
      expect(ours.t('plural', count), `plural ${count}`).toBe(full.t('plural', count));
      expect(ours.t('plural', { count }, count), `plural ${count} named`).toBe(full.t('plural', { count }, count));
      expect(ours.t('pluralTight', count), `pluralTight ${count}`).toBe(full.t('pluralTight', count));
    }
    expect(ours.t('at')).toBe('name@example.com');
  });

  it('reports what it cannot read and shows such a message as written', () => {
    for (const source of ['open {name', 'stray } brace', '{not a name!}', 'see @:other.key', "{'bad \\q escape'}"]) {
      expect(() => parseMessage(source), source).toThrow(SyntaxError);
      const errors: unknown[] = [];
      const fn = compileMessage(source, { key: 'k', locale: 'x', onError: (error) => errors.push(error) });
      expect(errors, source).toHaveLength(1);
      expect(fn({} as never), source).toBe(source);
    }
  });
});
