/**
 * The Firebase backend: Auth (email + password), realtime Firestore listeners for reads, and every
 * write as a command through the `command` callable. Only this folder imports the Firebase SDK,
 * and it is loaded with a dynamic import, so local mode never downloads it.
 *
 * Listeners follow the signed-in actor: while nobody is signed in they are parked (the rules
 * would refuse them), and when the actor changes they re-attach reading what core's read policy
 * lets that actor read (policyReads.ts: scoped queries, a liaison's projections, a unit's views;
 * boardReads.ts: the board's cards).
 *
 * Reads go through Firestore's persistent cache where the browser has one (localCache.ts): a
 * reload or a second tab shows the cached board at once, then the server's changes. The cache is
 * cleared whenever nobody is signed in, and the reads of a person wait until it holds no one
 * else's documents.
 */
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  connectAuthEmulator,
  getAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signOut,
  type Auth,
  type User,
} from 'firebase/auth';
import type { Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from 'firebase/functions';
import { DomainError, ROLES } from '@clearway/core';
import type { Actor, CollectionName, CommandEnvelope, CommandResult, QuerySpec, Role, StoredDoc } from '@clearway/core';
import type { Backend, NewMemberInput, NewMemberResult, SignedOutReason, Unsubscribe } from '../types';
import type { FirebaseWebConfig } from './config';
import { fromCallableError, fromSignInError } from './errors';
import { watchBoardAs } from './boardReads';
import { ownUnit, watchDocAs, watchQueryAs } from './policyReads';
import { openLocalCache } from './localCache';

export interface FirebaseBackend extends Backend {
  readonly kind: 'firebase';
  /** Closes every listener and the app (tests, hot reload). */
  dispose(): Promise<void>;
}

interface Watcher {
  attach(actor: Actor): Unsubscribe;
  detach: Unsubscribe | null;
}

let appCounter = 0;

export async function actorOf(user: User | null, db: Firestore): Promise<Actor | null> {
  if (!user) return null;
  const { claims } = await user.getIdTokenResult();
  const role = claims.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const actor: Actor = {
    uid: user.uid,
    name: user.displayName ?? user.email ?? user.uid,
    role: role as Role,
    bankId: typeof claims.bankId === 'string' ? claims.bankId : null,
  };
  // A unit contact's reads and its 待我处理 need its unit, which only its member document holds.
  return role === 'unit' ? { ...actor, unit: await ownUnit(db, user.uid) } : actor;
}

function actorKey(actor: Actor | null): string {
  return actor ? `${actor.uid}|${actor.role}|${actor.bankId ?? ''}|${actor.unit ?? ''}` : '';
}

export async function createFirebaseBackendWith(config: FirebaseWebConfig): Promise<FirebaseBackend> {
  const app: FirebaseApp = initializeApp(
    { apiKey: config.apiKey, authDomain: config.authDomain, projectId: config.projectId, appId: config.appId },
    `clearway-${++appCounter}`,
  );
  const auth: Auth = getAuth(app);
  const cache = openLocalCache(app, config);
  const functions: Functions = getFunctions(app, config.functionsRegion);
  if (config.emulators) {
    const { host, authPort, functionsPort } = config.emulators;
    connectAuthEmulator(auth, `http://${host}:${authPort}`, { disableWarnings: true });
    connectFunctionsEmulator(functions, host, functionsPort);
  }
  /** The Firestore to read with, once no clear of the cache is running. */
  const readyDb = async (): Promise<Firestore> => {
    await cache.settled();
    return cache.current();
  };
  const callCommand = httpsCallable<CommandEnvelope, CommandResult>(functions, 'command');
  const callInvite = httpsCallable<Omit<NewMemberInput, 'password'>, { uid: string; passwordSetupLink: string | null }>(functions, 'memberInvite');

  let actor: Actor | null = null;
  let endedReason: SignedOutReason | null = null;
  const actorListeners = new Set<(actor: Actor | null) => void>();
  const watchers = new Set<Watcher>();

  /** Bumped on every change of actor: a deferred attach for an earlier actor is dropped. */
  let generation = 0;
  /** Whether the watchers may read as `actor` now (its claim on the cache is done). */
  let reading = false;

  function attachAll(current: Actor): void {
    for (const watcher of watchers) watcher.detach ??= watcher.attach(current);
  }

  function setActor(next: Actor | null): void {
    const changed = actorKey(next) !== actorKey(actor);
    actor = next;
    if (changed) {
      const mine = ++generation;
      reading = false;
      for (const watcher of watchers) {
        watcher.detach?.();
        watcher.detach = null;
      }
      // Signed out: nothing of that person stays readable. Signed in: the cache may hold only what
      // this person in this role may read (a staff member made a liaison keeps no bureau cards).
      const work = next ? cache.claim(actorKey(next)) : cache.forget();
      void work
        .catch(() => undefined)
        .then(() => {
          if (mine !== generation || !next) return;
          reading = true;
          attachAll(next);
        });
    }
    for (const listener of actorListeners) listener(next);
  }

  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  /** Bumped on every token change: an actor read for an earlier token is dropped. */
  let tokenChanges = 0;
  const stopAuthWatch = onIdTokenChanged(auth, (user) => {
    const mine = ++tokenChanges;
    if (!user) {
      // Signed out (here, in another tab, or before this start): the reads stop at once and the
      // cache is cleared, also when this tab had no session to end (one that ended elsewhere).
      setActor(null);
      void cache.forget().catch(() => undefined);
      resolveReady();
      return;
    }
    readyDb()
      .then((db) => actorOf(user, db))
      .catch(() => null)
      .then((next) => {
        if (mine !== tokenChanges) return;
        setActor(next);
        resolveReady();
      });
  });

  function addWatcher(attach: (actor: Actor) => Unsubscribe): Unsubscribe {
    const watcher: Watcher = { attach, detach: actor && reading ? attach(actor) : null };
    watchers.add(watcher);
    return () => {
      watcher.detach?.();
      watcher.detach = null;
      watchers.delete(watcher);
    };
  }

  async function execute(command: CommandEnvelope, retried = false): Promise<CommandResult> {
    try {
      return (await callCommand(command)).data;
    } catch (error) {
      const refusal = fromCallableError(error);
      // The role changed since the token was minted: refresh it once and try again.
      if (!retried && refusal.messageKey === 'auth.error.sessionStale' && auth.currentUser) {
        await auth.currentUser.getIdToken(true);
        setActor(await actorOf(auth.currentUser, await readyDb()));
        return execute(command, true);
      }
      // Disabled or removed since signing in: the session ends here, and sign-in says why.
      const membershipEnded = refusal.messageKey === 'auth.error.disabled' || refusal.messageKey === 'auth.error.notMember';
      if (refusal.code === 'permission-denied' && membershipEnded && auth.currentUser) {
        endedReason = 'auth.error.sessionEnded';
        await signOut(auth).catch(() => undefined);
        setActor(null);
      }
      throw refusal;
    }
  }

  return {
    kind: 'firebase',
    ready: () => readyPromise,
    execute: (command) => execute(command),

    watchQuery<T>(
      collectionName: CollectionName,
      spec: QuerySpec,
      onNext: (docs: StoredDoc<T>[]) => void,
      onError?: (error: unknown) => void,
    ): Unsubscribe {
      return addWatcher((current) => watchQueryAs(cache.current(), current, collectionName, spec, onNext, onError));
    },

    watchDoc<T>(
      collectionName: CollectionName,
      id: string,
      onNext: (doc: StoredDoc<T> | null) => void,
      onError?: (error: unknown) => void,
    ): Unsubscribe {
      return addWatcher((current) => watchDocAs(cache.current(), current, collectionName, id, onNext, onError));
    },

    watchBoard(onNext, onError): Unsubscribe {
      return addWatcher((current) => watchBoardAs(cache.current(), current, onNext, onError));
    },

    watchActor(onNext: (actor: Actor | null) => void): Unsubscribe {
      actorListeners.add(onNext);
      onNext(actor);
      return () => actorListeners.delete(onNext);
    },

    // Admins invite by email: the `memberInvite` callable makes the Auth user, the membership and the claims.
    admin: {
      async createMember({ email, name, role, bankId }: NewMemberInput): Promise<NewMemberResult> {
        try {
          const { uid, passwordSetupLink } = (await callInvite({ email, name, role, bankId })).data;
          return { uid, passwordSetupLink };
        } catch (error) {
          throw fromCallableError(error);
        }
      },
    },

    auth: {
      async signIn(email: string, password: string): Promise<void> {
        let user: User;
        try {
          user = (await signInWithEmailAndPassword(auth, email.trim(), password)).user;
        } catch (error) {
          throw fromSignInError(error);
        }
        const signedIn = await actorOf(user, await readyDb());
        if (!signedIn) {
          await signOut(auth);
          throw new DomainError('permission-denied', 'auth.error.notMember');
        }
        endedReason = null;
        setActor(signedIn);
      },
      async signOut(): Promise<void> {
        endedReason = null;
        await signOut(auth);
        setActor(null);
        // Signing out is done once the cache holds nothing of the person (a shared office PC).
        await cache.settled();
      },
      endedReason: () => endedReason,
    },

    async dispose(): Promise<void> {
      stopAuthWatch();
      for (const watcher of watchers) watcher.detach?.();
      watchers.clear();
      actorListeners.clear();
      await deleteApp(app);
    },
  };
}
