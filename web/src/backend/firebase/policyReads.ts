/**
 * Reads on Firestore as core's read policy has them for the signed-in actor. Firestore rules gate
 * whole documents, so a liaison reads documents the command function wrote for them in the same
 * transaction (functions/src/readProjections.ts) instead of the bureau's:
 * - projects → `boardViews` (no loan line, no line money) joined with the liaison's own loan lines by
 *   core's `projectViewForBank`: the very card `applyReadPolicy` gives them in the other backends;
 * - snapshots → `bankSnapshots/{bankId}~{id}`, the snapshot as projected for their bank (or, for a
 *   bank added after the close, `bankSnapshots/*~{id}`, projected for a bank with no line in it).
 * A unit contact 责任单位联系人 reads the board views naming its unit (`unitParties` array-contains
 * it, `unitRead`), banks, settings and its own member document; what else its pages ask for, the
 * policy gives it nothing of, so it is answered empty without asking (the rules would refuse it).
 * Everyone else, and every other collection, reads the stored documents with queries scoped by
 * `scopeForActor` (rules are not filters).
 */
import { getDoc, onSnapshot, type Firestore, type QuerySnapshot } from 'firebase/firestore';
import { digestLine, projectViewForBank } from '@clearway/core';
import type { Actor, CollectionName, LoanLine, Project, QuerySpec, StoredDoc } from '@clearway/core';
import type { Unsubscribe } from '../types';
import { fromListenerError } from './errors';
import {
  BANK_SNAPSHOTS,
  BOARD_VIEWS,
  OTHER_BANKS,
  UNIT_PARTIES_FIELD,
  bankSnapshotId,
  buildQuery,
  docRef,
  scopeForActor,
  toBoardView,
  toStoredDoc,
  type FirestoreCollection,
} from './queries';

type OnError = ((error: unknown) => void) | undefined;

function isLiaison(actor: Actor): boolean {
  return actor.role === 'liaison';
}

function isUnit(actor: Actor): boolean {
  return actor.role === 'unit';
}

/**
 * The query a unit contact runs for `collectionName` on Firestore, or null when core's read policy
 * gives it nothing there (loan lines, history, months, snapshots; the board without a unit): then
 * nothing is asked. Its projects are the board views whose `unitParties` hold its unit, compared
 * as the rules compare them (the unit of its member document, which `actorOf` reads).
 */
export function unitRead(
  actor: Actor,
  collectionName: CollectionName,
  spec: QuerySpec,
): { collection: FirestoreCollection; spec: QuerySpec } | null {
  switch (collectionName) {
    case 'projects':
      if (!actor.unit) return null;
      return {
        collection: BOARD_VIEWS,
        spec: { ...spec, where: [...(spec.where ?? []), { field: UNIT_PARTIES_FIELD, op: 'array-contains', value: actor.unit }] },
      };
    case 'banks':
    case 'settings':
    case 'members':
      return { collection: collectionName, spec: scopeForActor(collectionName, spec, actor) };
    default:
      return null;
  }
}

/**
 * The unit a unit contact speaks for, from its own member document (which it may read): the very
 * value the rules compare with a view's `unitParties`. The token's claims carry no unit.
 */
export async function ownUnit(db: Firestore, uid: string): Promise<string | null> {
  try {
    const unit = (await getDoc(docRef(db, 'members', uid))).get('unit') as unknown;
    return typeof unit === 'string' && unit !== '' ? unit : null;
  } catch (error) {
    throw fromListenerError(error);
  }
}

/** Answers `value` once, as a listener would (never inside the call that attaches it). */
function answerOnce<V>(value: V, onNext: (value: V) => void): Unsubscribe {
  let live = true;
  queueMicrotask(() => {
    if (live) onNext(value);
  });
  return () => {
    live = false;
  };
}

function watchQueryAsUnit<T>(
  db: Firestore,
  actor: Actor,
  collectionName: CollectionName,
  spec: QuerySpec,
  onNext: (docs: StoredDoc<T>[]) => void,
  fail: (error: unknown) => void,
): Unsubscribe {
  const read = unitRead(actor, collectionName, spec);
  if (!read) return answerOnce<StoredDoc<T>[]>([], onNext);
  if (read.collection === BOARD_VIEWS) {
    // A view with no bank's lines: the very card applyReadPolicy gives a unit (projectForBank(p, null)).
    const cards = (s: QuerySnapshot) => joinOwnLines(s.docs.map((d) => toBoardView<Project>(d)!), []) as unknown as StoredDoc<T>[];
    return onSnapshot(buildQuery(db, BOARD_VIEWS, read.spec), (s) => onNext(cards(s)), fail);
  }
  return onSnapshot(buildQuery(db, read.collection, read.spec), (s) => onNext(s.docs.map((d) => toStoredDoc<T>(d)!)), fail);
}

function watchDocAsUnit<T>(
  db: Firestore,
  actor: Actor,
  collectionName: CollectionName,
  id: string,
  onNext: (doc: StoredDoc<T> | null) => void,
  fail: (error: unknown) => void,
): Unsubscribe {
  // The rules refuse a view that does not name the unit (no probing by id), so one project is
  // looked up in the unit's own query: a project it may not read is simply not there.
  if (collectionName === 'projects') {
    return watchQueryAsUnit<T>(db, actor, 'projects', {}, (docs) => onNext(docs.find((d) => d.id === id) ?? null), fail);
  }
  const readable = unitRead(actor, collectionName, {}) !== null && (collectionName !== 'members' || id === actor.uid);
  if (!readable) return answerOnce<StoredDoc<T> | null>(null, onNext);
  return onSnapshot(docRef(db, collectionName, id), (s) => onNext(toStoredDoc<T>(s)), fail);
}

/** Board views with the bank's own lines added; lines grouped by project once per change. */
export function joinOwnLines(views: readonly StoredDoc<Project>[], ownLines: readonly StoredDoc<LoanLine>[]): StoredDoc<Project>[] {
  const byProject = new Map<string, ReturnType<typeof digestLine>[]>();
  for (const line of ownLines) {
    const list = byProject.get(line.data.projectId);
    const digest = digestLine(line.data);
    if (list) list.push(digest);
    else byProject.set(line.data.projectId, [digest]);
  }
  return views.map((view) => ({ ...view, data: projectViewForBank(view.data, byProject.get(view.id) ?? []) }));
}

/**
 * A liaison's snapshot document: the bank's own projection, or, for a bank added after the month
 * closed (none was written for it), the one for every other bank (`*~{id}`: published figures, no
 * bank's lines; functions/src/readProjections.ts).
 */
export function ownOrOtherBanks<T>(
  own: StoredDoc<T & { bankId?: unknown }> | null,
  other: StoredDoc<T & { bankId?: unknown }> | null,
  id: string,
): StoredDoc<T> | null {
  const doc = own ?? other;
  return doc ? withoutBankId(doc, id) : null;
}

function withoutBankId<T>(doc: StoredDoc<T & { bankId?: unknown }>, id: string): StoredDoc<T> {
  const { bankId: _bankId, ...data } = doc.data as Record<string, unknown>;
  return { id, version: doc.version, data: data as T };
}

/** Two listeners whose latest results are combined once both have answered. */
function joinListeners<A, B, R>(
  listenA: (next: (value: A) => void) => Unsubscribe,
  listenB: (next: (value: B) => void) => Unsubscribe,
  combine: (a: A, b: B) => R,
  onNext: (value: R) => void,
): Unsubscribe {
  let a: { value: A } | null = null;
  let b: { value: B } | null = null;
  const emit = () => {
    if (a && b) onNext(combine(a.value, b.value));
  };
  const stopA = listenA((value) => {
    a = { value };
    emit();
  });
  const stopB = listenB((value) => {
    b = { value };
    emit();
  });
  return () => {
    stopA();
    stopB();
  };
}

export function watchQueryAs<T>(
  db: Firestore,
  actor: Actor,
  collectionName: CollectionName,
  spec: QuerySpec,
  onNext: (docs: StoredDoc<T>[]) => void,
  onError: OnError,
): Unsubscribe {
  const fail = (error: unknown) => onError?.(fromListenerError(error));
  if (isUnit(actor)) return watchQueryAsUnit(db, actor, collectionName, spec, onNext, fail);
  if (isLiaison(actor) && collectionName === 'projects') {
    return joinListeners<StoredDoc<Project>[], StoredDoc<LoanLine>[], StoredDoc<Project>[]>(
      (next) => onSnapshot(buildQuery(db, BOARD_VIEWS, spec), (s) => next(s.docs.map((d) => toBoardView<Project>(d)!)), fail),
      (next) =>
        onSnapshot(
          buildQuery(db, 'loanLines', scopeForActor('loanLines', {}, actor)),
          (s) => next(s.docs.map((d) => toStoredDoc<LoanLine>(d)!)),
          fail,
        ),
      joinOwnLines,
      (docs) => onNext(docs as unknown as StoredDoc<T>[]),
    );
  }
  if (isLiaison(actor) && collectionName === 'snapshots') {
    const where = [...(spec.where ?? []), { field: 'bankId', op: '==' as const, value: actor.bankId }];
    const prefix = bankSnapshotId(actor.bankId ?? '', '');
    return onSnapshot(
      buildQuery(db, BANK_SNAPSHOTS, { ...spec, where }),
      (s) => onNext(s.docs.map((d) => withoutBankId(toStoredDoc<T & { bankId?: unknown }>(d)!, d.id.slice(prefix.length)))),
      fail,
    );
  }
  return onSnapshot(
    buildQuery(db, collectionName, scopeForActor(collectionName, spec, actor)),
    (s) => onNext(s.docs.map((d) => toStoredDoc<T>(d)!)),
    fail,
  );
}

export function watchDocAs<T>(
  db: Firestore,
  actor: Actor,
  collectionName: CollectionName,
  id: string,
  onNext: (doc: StoredDoc<T> | null) => void,
  onError: OnError,
): Unsubscribe {
  const fail = (error: unknown) => onError?.(fromListenerError(error));
  if (isUnit(actor)) return watchDocAsUnit(db, actor, collectionName, id, onNext, fail);
  if (isLiaison(actor) && collectionName === 'projects') {
    const ownLinesOfProject = scopeForActor('loanLines', { where: [{ field: 'projectId', op: '==', value: id }] }, actor);
    return joinListeners<StoredDoc<Project> | null, StoredDoc<LoanLine>[], StoredDoc<Project> | null>(
      (next) => onSnapshot(docRef(db, BOARD_VIEWS, id), (s) => next(toBoardView<Project>(s)), fail),
      (next) => onSnapshot(buildQuery(db, 'loanLines', ownLinesOfProject), (s) => next(s.docs.map((d) => toStoredDoc<LoanLine>(d)!)), fail),
      (view, lines) => (view ? joinOwnLines([view], lines)[0]! : null),
      (doc) => onNext(doc as unknown as StoredDoc<T> | null),
    );
  }
  if (isLiaison(actor) && collectionName === 'snapshots') {
    const listen = (bankId: string) => (next: (doc: StoredDoc<T & { bankId?: unknown }> | null) => void) =>
      onSnapshot(docRef(db, BANK_SNAPSHOTS, bankSnapshotId(bankId, id)), (s) => next(toStoredDoc<T & { bankId?: unknown }>(s)), fail);
    return joinListeners(listen(actor.bankId ?? ''), listen(OTHER_BANKS), (own, other) => ownOrOtherBanks(own, other, id), onNext);
  }
  return onSnapshot(docRef(db, collectionName, id), (s) => onNext(toStoredDoc<T>(s)), fail);
}
