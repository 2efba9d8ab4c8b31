/**
 * What a command handler gets and gives back. A handler runs inside the executor's one
 * transaction: it reads what it needs, refuses with a DomainError before any write, writes
 * through `ctx.writer`, and describes the one activity record the executor appends.
 */
import type { CollectionName, TransactionContext } from '../../store/documentStore';
import type { Actor } from '../../types';
import type { CommandName, SkippedProject } from '../contract';
import type { CommandPayloads } from '../schemas';

export interface WrittenDoc {
  collection: CollectionName;
  id: string;
  version: number;
}

/** Writes through the transaction and remembers the versions they will have once committed. */
export class TransactionWriter {
  readonly written: WrittenDoc[] = [];

  constructor(private readonly tx: TransactionContext) {}

  create<T>(collection: CollectionName, id: string, data: T): void {
    this.tx.create(collection, id, data);
    this.written.push({ collection, id, version: 1 });
  }

  update<T>(collection: CollectionName, id: string, data: T, expectedVersion: number): void {
    this.tx.update(collection, id, data, expectedVersion);
    this.written.push({ collection, id, version: expectedVersion + 1 });
  }
}

export interface HandlerContext<N extends CommandName = CommandName> {
  name: N;
  payload: CommandPayloads[N];
  actor: Actor;
  now: Date;
  /** `now` as an ISO instant, the timestamp of everything this command writes. */
  at: string;
  tx: TransactionContext;
  writer: TransactionWriter;
  newId(collection: CollectionName): string;
}

/** The activity record of an accepted command; null when it changed nothing (e.g. an idle stall scan). */
export interface ActivityDraft {
  projectId: string | null;
  lineId: string | null;
  /** The bank of the line the record is about (see `Activity.bankId`). */
  bankId?: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface HandlerOutcome {
  activity: ActivityDraft | null;
  createdId?: string;
  stats?: Record<string, number>;
  skipped?: SkippedProject[];
}

export type CommandHandler<N extends CommandName = CommandName> = (ctx: HandlerContext<N>) => Promise<HandlerOutcome>;
