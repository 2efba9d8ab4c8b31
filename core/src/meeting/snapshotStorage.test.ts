import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { utf8Length } from './snapshotStorage';

describe('utf8Length', () => {
  it('counts what TextEncoder encodes, for any UTF-16 text (lone surrogates included)', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).length);
      }),
      { numRuns: 2000 },
    );
    for (const text of ['', 'abc', '重点项目', '😀', '\ud800', '\udc00x', 'a\ud83d']) expect(utf8Length(text)).toBe(encoder.encode(text).length);
  });
});
