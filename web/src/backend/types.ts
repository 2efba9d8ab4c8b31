/**
 * The one interface the web app talks to, whichever backend is configured.
 * Writes are commands (validated, authorised and executed by the core handlers, locally or in the
 * `command` Cloud Function); reads are realtime watches on documents and queries.
 */
import type {
  Actor,
  CollectionName,
  CommandEnvelope,
  CommandResult,
  QuerySpec,
  StoredDoc,
} from '@clearway/core';

export type Unsubscribe = () => void;

/** An identity offered by the local backend's switcher. */
export interface LocalIdentity extends Actor {
  /** A short description for the switcher, as an i18n key. */
  labelKey: string;
}

export interface Backend {
  readonly kind: 'local' | 'firebase';
  /** Resolves once the backend can serve reads (IndexedDB loaded, or auth state known). */
  ready(): Promise<void>;

  /** Runs a command; rejects with a `DomainError`-shaped error (code, messageKey, params). */
  execute(command: CommandEnvelope): Promise<CommandResult>;

  watchQuery<T>(
    collection: CollectionName,
    spec: QuerySpec,
    onNext: (docs: StoredDoc<T>[]) => void,
    onError?: (error: unknown) => void,
  ): Unsubscribe;
  watchDoc<T>(
    collection: CollectionName,
    id: string,
    onNext: (doc: StoredDoc<T> | null) => void,
    onError?: (error: unknown) => void,
  ): Unsubscribe;

  /** The signed-in actor (null when signed out); fires on every change. */
  watchActor(onNext: (actor: Actor | null) => void): Unsubscribe;

  /** Local backend only: the identity switcher and the sample data. */
  local?: {
    identities(): LocalIdentity[];
    switchIdentity(uid: string): Promise<void>;
    resetSampleData(): Promise<void>;
  };
  /** Firebase backend only: email and password sign-in. */
  auth?: {
    signIn(email: string, password: string): Promise<void>;
    signOut(): Promise<void>;
  };
}
