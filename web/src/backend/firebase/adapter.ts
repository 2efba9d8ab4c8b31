/**
 * The Firebase backend: Auth (email + password), realtime Firestore listeners for reads, and every
 * write as a command through the `command` callable. Only this folder imports the Firebase SDK,
 * and it is loaded with a dynamic import, so local mode never downloads it.
 *
 * Listeners follow the signed-in actor: while nobody is signed in they are parked (the rules
 * would refuse them), and when the actor changes they re-attach reading what core's read policy
 * lets that actor read (policyReads.ts: scoped queries, a liaison's projections, a unit's views;
 * boardReads.ts: the board's cards).
 */
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  browserLocalPersistence,
  connectAuthEmulator,
  indexedDBLocalPersistence,
  initializeAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signOut,
  type Auth,
  type User,
} from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore, type Firestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions, httpsCallable, type Functions } from 'firebase/functions';
import { DomainError, ROLES } from '@clearway/core';
import type { Actor, CollectionName, CommandEnvelope, CommandResult, QuerySpec, Role, StoredDoc } from '@clearway/core';
import type { Backend, NewMemberInput, NewMemberResult, SignedOutReason, Unsubscribe } from '../types';
import type { FirebaseWebConfig } from './config';
import { fromCallableError, fromSignInError } from './errors';
import { watchBoardAs } from './boardReads';
import { ownUnit, watchDocAs, watchQueryAs } from './policyReads';

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
  // Not getAuth: it also bundles the popup and redirect sign-in and session persistence, which
  // email and password never use (10 KB of the SDK's chunk). The session is kept where getAuth
  // keeps it first, so a session stored by either is found.
  const auth: Auth = initializeAuth(app, { persistence: [indexedDBLocalPersistence, browserLocalPersistence] });
  const db: Firestore = getFirestore(app);
  const functions: Functions = getFunctions(app, config.functionsRegion);
  if (config.emulators) {
    const { host, authPort, firestorePort, functionsPort } = config.emulators;
    connectAuthEmulator(auth, `http://${host}:${authPort}`, { disableWarnings: true });
    connectFirestoreEmulator(db, host, firestorePort);
    connectFunctionsEmulator(functions, host, functionsPort);
  }
  const callCommand = httpsCallable<CommandEnvelope, CommandResult>(functions, 'command');
  const callInvite = httpsCallable<Omit<NewMemberInput, 'password'>, { uid: string; passwordSetupLink: string | null }>(functions, 'memberInvite');

  let actor: Actor | null = null;
  let endedReason: SignedOutReason | null = null;
  const actorListeners = new Set<(actor: Actor | null) => void>();
  const watchers = new Set<Watcher>();

  function setActor(next: Actor | null): void {
    const changed = actorKey(next) !== actorKey(actor);
    actor = next;
    if (changed) {
      for (const watcher of watchers) {
        watcher.detach?.();
        watcher.detach = next ? watcher.attach(next) : null;
      }
    }
    for (const listener of actorListeners) listener(next);
  }

  let resolveReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const stopAuthWatch = onIdTokenChanged(auth, (user) => {
    actorOf(user, db)
      .catch(() => null)
      .then((next) => {
        setActor(next);
        resolveReady();
      });
  });

  function addWatcher(attach: (actor: Actor) => Unsubscribe): Unsubscribe {
    const watcher: Watcher = { attach, detach: actor ? attach(actor) : null };
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
        setActor(await actorOf(auth.currentUser, db));
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
      return addWatcher((current) => watchQueryAs(db, current, collectionName, spec, onNext, onError));
    },

    watchDoc<T>(
      collectionName: CollectionName,
      id: string,
      onNext: (doc: StoredDoc<T> | null) => void,
      onError?: (error: unknown) => void,
    ): Unsubscribe {
      return addWatcher((current) => watchDocAs(db, current, collectionName, id, onNext, onError));
    },

    watchBoard(onNext, onError): Unsubscribe {
      return addWatcher((current) => watchBoardAs(db, current, onNext, onError));
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
        const signedIn = await actorOf(user, db);
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
