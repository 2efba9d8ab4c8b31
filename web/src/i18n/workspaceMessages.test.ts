import { describe, expect, it } from 'vitest';
import { QUARANTINE_CODES, QUARANTINE_EXPECTED, WORKSPACE_MESSAGE_KEYS } from '@clearway/core';
import { messages } from './messages';

type Tree = { [key: string]: string | Tree };

function lookup(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Tree)[key] : undefined), tree);
}

describe('workspace message keys', () => {
  it.each(['zh-CN', 'en'] as const)('%s has a text for every key the workspace import and the local store can end with', (locale) => {
    const keys = [...WORKSPACE_MESSAGE_KEYS, 'workspace.error.storageWriteFailed'];
    expect(keys.filter((key) => typeof lookup(messages[locale] as Tree, key) !== 'string')).toEqual([]);
  });

  it.each(['zh-CN', 'en'] as const)('%s says every reason a stored record can be put aside for', (locale) => {
    const keys = [...QUARANTINE_CODES.map((code) => `workspace.quarantineReason.${code}`), ...QUARANTINE_EXPECTED.map((kind) => `workspace.quarantineReason.expected.${kind}`)];
    expect(keys.filter((key) => typeof lookup(messages[locale] as Tree, key) !== 'string')).toEqual([]);
  });
});
