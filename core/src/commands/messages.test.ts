import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMAND_MESSAGE_KEYS } from './messages';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = [
  ...['schemas.ts', 'schemaParts.ts', 'execute.ts'].map((file) => join(here, file)),
  ...readdirSync(join(here, 'handlers'))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(here, 'handlers', file)),
  ...['../stages.ts', '../rank.ts', '../permissions.ts', '../errors.ts', '../meeting/closeMonth.ts', '../followUp/loop.ts'].map((file) => join(here, file)),
];

describe('COMMAND_MESSAGE_KEYS', () => {
  it('lists every message key the command code can produce', () => {
    const used = new Set<string>();
    for (const file of sources) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'(errors\.[A-Za-z]+\.?[A-Za-z.]*)'/g)) used.add(match[1]!);
    }
    used.delete('errors.'); // the prefix test in schemas.ts
    const listed = new Set<string>(COMMAND_MESSAGE_KEYS);
    expect([...used].filter((key) => !listed.has(key)).sort()).toEqual([]);
  });

  it('has no duplicates', () => {
    expect(new Set(COMMAND_MESSAGE_KEYS).size).toBe(COMMAND_MESSAGE_KEYS.length);
  });
});
