/**
 * The build precompiles every message (@intlify/unplugin-vue-i18n) and fails on one it cannot
 * read or that carries HTML. This says the same in the unit tests, naming each message, with the
 * compiler the build uses.
 */
import { describe, expect, it } from 'vitest';
import { baseCompile, detectHtmlTag } from '@intlify/message-compiler';
import { LOCALES } from './index';
import { messages } from './messages';
import type { MessageTree } from './messageTree';

function leaves(tree: MessageTree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : leaves(value, `${prefix}${key}.`),
  );
}

function problemsOf(source: string): string[] {
  const problems: string[] = [];
  baseCompile(source, { jit: true, onError: (error) => problems.push(error.message) });
  if (detectHtmlTag(source)) problems.push('HTML in a message');
  return problems;
}

describe('message syntax', () => {
  it.each(LOCALES)('%s: every message compiles as the build compiles it', (locale) => {
    const unreadable = leaves(messages[locale])
      .map(([key, source]) => ({ key, source, problems: problemsOf(source) }))
      .filter((message) => message.problems.length > 0);
    expect(unreadable).toEqual([]);
  });

  it('the check fails on a message the build would refuse', () => {
    expect(problemsOf('hello {name')).not.toEqual([]);
    expect(problemsOf('mail me @ home')).not.toEqual([]);
    expect(problemsOf('a <b>bold</b> word')).not.toEqual([]);
    expect(problemsOf("{count} 个项目，{'@'}")).toEqual([]);
  });
});
