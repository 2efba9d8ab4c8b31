/**
 * The board's cards in the demo tab, as the bureau reads them (core's `boardCardOf` of every
 * project): loaded from IndexedDB's `cards` before the first paint, so the whole projects stay on
 * disk until a drawer, a page or a command reads them. Every project change the tab learns of (its
 * own commits, another tab's, a catch-up) re-projects the one card it touches, whether or not the
 * projects themselves are in memory.
 */
import { boardCardDoc, type BoardCard, type DocumentChange, type Project, type StoredDoc } from '@clearway/core';

/** A card that changed (null: the project is gone), or `reset` when every card was replaced. */
export type CardChanges = { id: string; card: StoredDoc<BoardCard> | null }[] | 'reset';

export class BoardCards {
  private cards = new Map<string, StoredDoc<BoardCard>>();
  private readonly listeners = new Set<(changes: CardChanges) => void>();

  /** Every card, in id order. */
  all(): StoredDoc<BoardCard>[] {
    return [...this.cards.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Takes the cards as they are (a fresh IndexedDB read or fresh projections: never shared). */
  replace(cards: StoredDoc<BoardCard>[]): void {
    this.cards = new Map(cards.map((card) => [card.id, card]));
    this.notify('reset');
  }

  /** Re-projects the cards of the projects among `changes` (the other collections are not the board's). */
  apply(changes: readonly DocumentChange[]): void {
    const changed: { id: string; card: StoredDoc<BoardCard> | null }[] = [];
    for (const change of changes) {
      if (change.collection !== 'projects') continue;
      const card = change.doc ? boardCardDoc(change.doc as StoredDoc<Project>) : null;
      if (card) this.cards.set(change.id, card);
      else this.cards.delete(change.id);
      changed.push({ id: change.id, card });
    }
    if (changed.length > 0) this.notify(changed);
  }

  subscribe(listener: (changes: CardChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(changes: CardChanges): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (error) {
        console.error('[clearway] a card listener failed', error);
      }
    }
  }
}
