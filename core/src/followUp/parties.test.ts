import { describe, expect, it } from 'vitest';
import { namedParties, partiesOf } from './parties';

const project = (responsibleUnit: string, who: string[] = [], party: string[] = []) => ({
  responsibleUnit,
  assignments: who.map((w) => ({ who: w })),
  blockers: party.map((p) => ({ party: p })),
}) as unknown as Parameters<typeof namedParties>[0];

describe('partiesOf', () => {
  it('splits at every list mark, half and full width, and the bars', () => {
    expect(partiesOf('市自然资源局、市住建局，区政府,市水务局；市发改委;市财政局／市国资委/市城投|市交投｜市文旅局')).toEqual([
      '市自然资源局',
      '市住建局',
      '区政府',
      '市水务局',
      '市发改委',
      '市财政局',
      '市国资委',
      '市城投',
      '市交投',
      '市文旅局',
    ]);
  });

  it('trims each party and drops empty or blank pieces', () => {
    expect(partiesOf('  市住建局 、、 \u3000 ；区政府 ')).toEqual(['市住建局', '区政府']);
    expect(partiesOf(' | ')).toEqual([]);
    expect(partiesOf('')).toEqual([]);
  });
});

describe('namedParties', () => {
  it('lists each whole text and each of its parties without spaces, sorted and once', () => {
    const parties = namedParties(project('市 住建局', ['市住建局、区 政府'], ['区政府|市水务局', '']));
    expect(parties).toEqual(['区政府', '区政府|市水务局', '市住建局', '市住建局、区政府', '市水务局'].sort());
  });

  it('never holds a blank party (a unit is never blank), and keeps a text that is only marks whole', () => {
    expect(namedParties(project('', [' \u3000'], []))).toEqual([]);
    expect(namedParties(project('、', [], []))).toEqual(['、']);
  });
});
