import { describe, expect, it } from 'vitest';
import { COMMAND_MESSAGE_KEYS } from '@clearway/core';
import { messages } from './messages';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leaves(value, `${prefix}${key}.`),
  );
}

function lookup(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);
}

describe('message files', () => {
  it.each(['zh-CN', 'en'] as const)('%s has a text for every message key a command can end with', (locale) => {
    const missing = COMMAND_MESSAGE_KEYS.filter((key) => typeof lookup(messages[locale] as Tree, key) !== 'string');
    expect(missing).toEqual([]);
  });

  it('zh-CN and en have the same keys', () => {
    const zh = new Set(leaves(messages['zh-CN'] as Tree));
    const en = new Set(leaves(messages.en as Tree));
    expect([...zh].filter((key) => !en.has(key))).toEqual([]);
    expect([...en].filter((key) => !zh.has(key))).toEqual([]);
  });
});
