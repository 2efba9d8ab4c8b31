/**
 * The board's cards on Firestore (boardReads.ts): who reads the bureau's `boardCards`, and how a
 * snapshot's changes become the next cards (unchanged cards stay the same objects).
 */
import { describe, expect, it } from 'vitest';
import type { DocumentChangeType, DocumentSnapshot } from 'firebase/firestore';
import { boardCardOf, type Actor, type BoardCard, type StoredDoc } from '@clearway/core';
import { createSampleWorkspace } from '@clearway/core/sample';
import { nextCards, readsBoardCards } from './boardReads';

const [first, second, third] = createSampleWorkspace({ now: new Date('2026-11-20T04:00:00.000Z'), projects: 3 }).projects;

/** A `boardCards` document as the command function writes it: the card as JSON text. */
function stored(id: string, card: BoardCard, version: number): DocumentSnapshot {
  return { id, data: () => ({ cardJson: JSON.stringify(card), _v: version, _schema: 3 }) } as unknown as DocumentSnapshot;
}

/** A card stored field by field, as releases before the packed cards wrote it. */
function storedUnpacked(id: string, card: BoardCard, version: number): DocumentSnapshot {
  return { id, data: () => ({ ...card, _v: version, _schema: 3 }) } as unknown as DocumentSnapshot;
}

const change = (type: DocumentChangeType, doc: DocumentSnapshot) => ({ type, doc });

describe('the board’s cards on Firestore', () => {
  it('reads the bureau’s cards for admin, staff and viewer only', () => {
    const actor = (role: Actor['role']): Actor => ({ uid: 'u', name: 'n', role, bankId: role === 'liaison' ? 'icbc' : null });
    expect(['admin', 'staff', 'viewer'].map((role) => readsBoardCards(actor(role as Actor['role'])))).toEqual([true, true, true]);
    expect(readsBoardCards(actor('liaison'))).toBe(false);
    expect(readsBoardCards({ ...actor('unit'), unit: '市住建局' })).toBe(false);
  });

  it('turns each change into a card at the stored version and keeps every other card as it was', () => {
    const cards = new Map<string, StoredDoc<BoardCard>>();
    const docs = [first!, second!, third!].map((project) => stored(project.id, boardCardOf(project), 1));
    const initial = nextCards(cards, docs.map((doc) => change('added', doc)), docs);
    expect(initial).toEqual([first!, second!, third!].map((project) => ({ id: project.id, version: 1, data: boardCardOf(project) })));

    const moved = stored(second!.id, { ...boardCardOf(second!), stage: 'diligence' }, 2);
    const afterMove = nextCards(cards, [change('modified', moved)], [docs[0]!, moved, docs[2]!]);
    expect(afterMove[0]).toBe(initial[0]);
    expect(afterMove[2]).toBe(initial[2]);
    expect(afterMove[1]).toEqual({ id: second!.id, version: 2, data: { ...boardCardOf(second!), stage: 'diligence' } });

    const afterDelete = nextCards(cards, [change('removed', docs[0]!)], [moved, docs[2]!]);
    expect(afterDelete.map((card) => card.id)).toEqual([second!.id, third!.id]);
    expect(cards.has(first!.id)).toBe(false);
  });

  it('reads a card stored field by field (not yet backfilled) as the same card', () => {
    const cards = new Map<string, StoredDoc<BoardCard>>();
    const packed = stored(first!.id, boardCardOf(first!), 4);
    const unpacked = storedUnpacked(second!.id, boardCardOf(second!), 7);
    expect(nextCards(cards, [change('added', packed), change('added', unpacked)], [packed, unpacked])).toEqual([
      { id: first!.id, version: 4, data: boardCardOf(first!) },
      { id: second!.id, version: 7, data: boardCardOf(second!) },
    ]);
  });

  it('leaves out a card whose JSON is broken, names it, and still applies the snapshot’s other changes', () => {
    const cards = new Map<string, StoredDoc<BoardCard>>();
    const broken = { id: first!.id, data: () => ({ cardJson: '{', _v: 2 }) } as unknown as DocumentSnapshot;
    const notACard = { id: second!.id, data: () => ({ cardJson: '[1]', _v: 2 }) } as unknown as DocumentSnapshot;
    const good = stored(third!.id, boardCardOf(third!), 3);
    const unreadable: string[] = [];
    const out = nextCards(cards, [change('added', broken), change('added', notACard), change('added', good)], [broken, notACard, good], (id) => unreadable.push(id));
    expect(out).toEqual([{ id: third!.id, version: 3, data: boardCardOf(third!) }]);
    expect(unreadable).toEqual([first!.id, second!.id]);
  });
});
