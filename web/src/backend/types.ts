/**
 * The one interface the web app talks to, whichever backend is configured.
 * Writes are commands (validated, authorised and executed by the core handlers: in the browser,
 * in the `command` Cloud Function or on the team server); reads are realtime watches on documents
 * and queries.
 */
import type {
  Actor,
  BoardCard,
  CollectionName,
  Role,
  CommandEnvelope,
  CommandResult,
  DeliveryLogEntry,
  NotifyChannelKind,
  QuerySpec,
  StoredDoc,
} from '@clearway/core';

export type Unsubscribe = () => void;

/** An identity offered by the local backend's switcher. */
export interface LocalIdentity extends Actor {
  /** A short description for the switcher, as an i18n key. */
  labelKey: string;
}

export type BackendKind = 'local' | 'firebase' | 'server';

export type ConnectionState = 'online' | 'reconnecting';

/** One document the team server put aside as unreadable (server/src/db/quarantine.ts). */
export interface QuarantinedDocumentSummary {
  collection: string;
  id: string;
  reason: string;
  /** ISO instant. */
  quarantinedAt: string;
}

/** What the local backend found in the browser's storage at start, for the banner. */
export interface LocalStorageNotice {
  /** Stored records that could not be read (corrupt, or from a newer release), kept aside. */
  quarantined: number;
  /** No usable IndexedDB (private window, storage disabled): the data lives in this tab only. */
  inMemoryOnly: boolean;
  /** Why IndexedDB could not be used, for the console and support. */
  reason: string | null;
}

/** A new member as the admin page creates them (an account too, where the backend has accounts). */
export interface NewMemberInput {
  email: string;
  name: string;
  role: Role;
  bankId: string | null;
  /** Team server only: the first password; absent → the server makes a temporary one. */
  password?: string;
}

export interface NewMemberResult {
  uid: string;
  /** Team server: the password to hand over (made by the server when none was given). */
  temporaryPassword?: string;
  /** Firebase: a link that lets the invitee choose a password (null where Auth cannot make one). */
  passwordSetupLink?: string | null;
}

/** Why the backend ended a session by itself (a message key), for the sign-in page to say. */
export type SignedOutReason = 'auth.error.sessionEnded';

export interface Backend {
  readonly kind: BackendKind;
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

  /**
   * The board's cards: core's `boardCardOf` of every project the reader may see, after the read
   * policy — what the board paints first, a fraction of the projects' bytes. A backend without it
   * is read through `watchQuery('projects')` and projected in the tab.
   */
  watchBoard?(onNext: (docs: StoredDoc<BoardCard>[]) => void, onError?: (error: unknown) => void): Unsubscribe;

  /** The signed-in actor (null when signed out); fires on every change. */
  watchActor(onNext: (actor: Actor | null) => void): Unsubscribe;

  /**
   * Team server: whether the realtime connection is up ('online') or being re-established after a
   * drop ('reconnecting': what is shown may be behind until the watches are answered again).
   */
  watchConnection?(onNext: (state: ConnectionState) => void): Unsubscribe;

  /** Local backend only: the identity switcher and the sample data. */
  local?: {
    identities(): LocalIdentity[];
    switchIdentity(uid: string): Promise<void>;
    resetSampleData(): Promise<void>;
    storageNotice?(): LocalStorageNotice;
    /** The notice now and after every change (rows are quarantined when a collection is first read). */
    watchStorageNotice?(onNext: (notice: LocalStorageNotice) => void): Unsubscribe;
    /** The quarantined records exactly as they were stored, for the person to download. */
    quarantinedRecords?(): Promise<unknown[]>;
  };
  /**
   * Team server, for admins: the stored documents the server could not read when it opened its
   * database and put aside (the demo says the same of its browser records through `local`).
   */
  quarantine?: {
    list(): Promise<QuarantinedDocumentSummary[]>;
    /** Every quarantined document exactly as it was stored, for the person to download. */
    download(): Promise<unknown>;
  };
  /** Firebase and team server: email and password sign-in. */
  auth?: {
    signIn(email: string, password: string): Promise<void>;
    signOut(): Promise<void>;
    /** Team server: the signed-in person changes their own password. */
    changePassword?(currentPassword: string, newPassword: string): Promise<void>;
    /**
     * The message key of why the session last ended without the person signing out (the member
     * was disabled, the session expired), or null; cleared by the next sign-in.
     */
    endedReason?(): SignedOutReason | null;
  };
  /** Firebase and team server: members with accounts (local mode has no accounts). */
  admin?: {
    createMember(input: NewMemberInput): Promise<NewMemberResult>;
    /** Team server only: a new temporary password for a member. */
    resetPassword?(uid: string): Promise<{ temporaryPassword: string }>;
  };
  /** Team server: the delivery log of digests and reminders, and a test message to one channel. */
  notify?: {
    deliveries(): Promise<DeliveryLogEntry[]>;
    sendTest(channel: NotifyChannelKind, to: string | null): Promise<{ status: 'sent' | 'failed'; error: string | null }>;
  };
  /** The whole workspace as the versioned backup file (core `WorkspaceFile`), and back into an empty one. */
  workspace?: {
    exportAll(): Promise<object>;
    importAll(file: unknown): Promise<void>;
    /** Local backend: empties the workspace so that a backup can be imported into it. */
    clearAll?(): Promise<void>;
  };
}
