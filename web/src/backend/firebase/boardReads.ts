/**
 * The board's cards on Firestore (`Backend.watchBoard`). A listener cannot pick fields, so the
 * bureau (admin, staff, viewer) listens to `boardCards`, which the command function writes in the
 * same transaction as each project (functions/src/readProjections.ts): core's `boardCardOf` as one
 * JSON string, about a fifth of a project's bytes, at the project's version. The rules give those
 * cards to the bureau only (they hold every bank's line money), so a liaison's cards are its board
 * views joined with its own lines and a unit contact's the views naming its unit
 * (policyReads.ts), each made a card in the tab with core's `boardCardDoc`: the very card the
 * other backends hand them.
 */
import { collection, onSnapshot, type DocumentChangeType, type DocumentSnapshot, type Firestore } from 'firebase/firestore';
import { boardCardDoc, DomainError, INTERNAL_ERROR_KEY } from '@clearway/core';
import type { Actor, BoardCard, Project, StoredDoc } from '@clearway/core';
import type { Unsubscribe } from '../types';
import { fromListenerError } from './errors';
import { watchQueryAs } from './policyReads';
import { BOARD_CARDS, toBoardCard } from './queries';

const BUREAU_ROLES: readonly string[] = ['admin', 'staff', 'viewer'];

export function readsBoardCards(actor: Actor): boolean {
  return BUREAU_ROLES.includes(actor.role);
}

/**
 * The cards after one snapshot: the changed documents read anew, every other card kept as the
 * same object (so the board re-renders only the cards that changed), in the snapshot's order. A
 * card that cannot be read is left out and its id handed to `unreadable`, and the other changes
 * still apply: one bad document must not stop the board.
 */
export function nextCards(
  cards: Map<string, StoredDoc<BoardCard>>,
  changes: readonly { type: DocumentChangeType; doc: DocumentSnapshot }[],
  order: readonly { id: string }[],
  unreadable: (id: string) => void = () => undefined,
): StoredDoc<BoardCard>[] {
  for (const change of changes) {
    let card: StoredDoc<BoardCard> | null = null;
    if (change.type !== 'removed') {
      try {
        card = toBoardCard(change.doc);
      } catch {
        unreadable(change.doc.id);
      }
    }
    if (card) cards.set(change.doc.id, card);
    else cards.delete(change.doc.id);
  }
  const out: StoredDoc<BoardCard>[] = [];
  for (const { id } of order) {
    const card = cards.get(id);
    if (card) out.push(card);
  }
  return out;
}

export function watchBoardAs(
  db: Firestore,
  actor: Actor,
  onNext: (docs: StoredDoc<BoardCard>[]) => void,
  onError: ((error: unknown) => void) | undefined,
): Unsubscribe {
  if (!readsBoardCards(actor)) {
    return watchQueryAs<Project>(db, actor, 'projects', {}, (docs) => onNext(docs.map(boardCardDoc)), onError);
  }
  const cards = new Map<string, StoredDoc<BoardCard>>();
  return onSnapshot(
    collection(db, BOARD_CARDS),
    (snapshot) => {
      let unreadable = 0;
      onNext(nextCards(cards, snapshot.docChanges(), snapshot.docs, () => (unreadable += 1)));
      // The board shows the cards it could read, and says that some could not be.
      if (unreadable > 0) onError?.(new DomainError('internal', INTERNAL_ERROR_KEY));
    },
    (error) => onError?.(fromListenerError(error)),
  );
}
