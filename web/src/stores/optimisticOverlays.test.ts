import { describe, expect, it } from 'vitest';
import type { StoredDoc } from '@clearway/core';
import { useOptimisticOverlays } from './optimisticOverlays';

type Note = { text: string };

describe('useOptimisticOverlays', () => {
  function setup(version = 3) {
    const doc = { current: { id: 'n1', version, data: { text: 'old' } } as StoredDoc<Note> };
    const overlays = useOptimisticOverlays((_collection, id) => (id === doc.current.id ? doc.current.version : 0));
    const view = () => overlays.applyTo('notes', doc.current).data.text;
    return { doc, overlays, view };
  }
  const change = { collection: 'notes', docId: 'n1', apply: (_note: Note, seq: number) => ({ text: `new-${seq}` }) };

  it('shows a change at once and rolls it back when the command is refused', () => {
    const { overlays, view } = setup();
    const overlay = overlays.add(change);
    expect(view()).toBe('new-1');
    expect(overlays.pendingIds('notes')).toEqual(new Set(['n1']));
    overlays.drop(overlay);
    expect(view()).toBe('old');
    expect(overlays.pendingIds('notes').size).toBe(0);
  });

  it('keeps an accepted change until the watched document reaches the version the command wrote', () => {
    const { doc, overlays, view } = setup();
    const overlay = overlays.add(change);
    overlays.settle(overlay, { written: [{ collection: 'notes', id: 'n1', version: 4 }] });
    expect(view()).toBe('new-1');
    expect(overlays.pendingIds('notes').size).toBe(0);
    doc.current = { id: 'n1', version: 4, data: { text: 'from server' } };
    overlays.prune();
    expect(view()).toBe('from server');
    expect(overlays.overlays.value).toEqual([]);
  });

  it('drops an accepted change that wrote nothing to its document, and leaves other collections alone', () => {
    const { overlays, view } = setup();
    const overlay = overlays.add(change);
    expect(overlays.applyTo('other', { id: 'n1', version: 3, data: { text: 'other' } }).data.text).toBe('other');
    overlays.settle(overlay, { written: [] });
    expect(view()).toBe('old');
  });
});
