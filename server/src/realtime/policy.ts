/**
 * The read policy the server applies to every document it hands out. It lives in core (the same
 * rules firestore.rules states); the server only calls it.
 */
import { applyReadPolicy, readAudienceOf, scopeQueryForActor } from '@clearway/core';
import type { Actor, CollectionName, QuerySpec, StoredDoc } from '@clearway/core';

export interface ReadPolicy {
  apply(actor: Actor, collection: CollectionName, doc: StoredDoc): StoredDoc | null;
  scope(actor: Actor, collection: CollectionName, spec: QuerySpec): QuerySpec;
  /**
   * Actors with the same key are shown the same of every document of `collection` and scope
   * their queries alike: the realtime hub projects and serialises a change once per key, not once
   * per connection.
   */
  audienceKey(actor: Actor, collection: CollectionName): string;
}

/**
 * Core's policy reads an actor through its audience (readAudienceOf: the bureau, with or without
 * member administration; a bank; a unit), except that a members document is shown to its own
 * person: there the person is the audience. policy.test.ts holds core to that.
 */
export function coreAudienceKey(actor: Actor, collection: CollectionName): string {
  const audience = JSON.stringify(readAudienceOf(actor));
  return collection === 'members' ? `${audience}|${actor.uid}` : audience;
}

export const CORE_READ_POLICY: ReadPolicy = {
  apply: applyReadPolicy,
  scope: scopeQueryForActor,
  audienceKey: coreAudienceKey,
};
