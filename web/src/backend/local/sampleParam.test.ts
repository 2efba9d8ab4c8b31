import { describe, expect, it } from 'vitest';
import { sampleOptionsOf, sampleSizeOf } from './sampleParam';

describe('?sample=N', () => {
  it('reads a sane project count', () => {
    expect(sampleSizeOf('?sample=5000')).toBe(5000);
    expect(sampleSizeOf('?project=p-1&sample=12')).toBe(12);
  });

  it('ignores a missing, empty, zero, negative, fractional or huge count', () => {
    for (const search of ['', '?sample=', '?sample=0', '?sample=-5', '?sample=2.5', '?sample=abc', '?sample=50000', '?sample=999999']) {
      expect(sampleSizeOf(search), search).toBeNull();
    }
  });

  it('keeps the generated workspace in its own database and leaves the default one alone', async () => {
    expect(sampleOptionsOf('')).toEqual({});
    const options = sampleOptionsOf('?sample=3');
    expect(options.dbName).toBe('clearway-sample-3');
    expect((await options.sample?.(new Date('2026-05-01T00:00:00Z')))?.projects).toHaveLength(3);
  });
});
