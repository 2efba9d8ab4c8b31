import { describe, expect, it } from 'vitest';
import { FirestoreRules, type RulesDatabase, type RulesRequest } from './rulesEvaluator';

const RULES = `rules_version = '2';
// a comment
service cloud.firestore {
  match /databases/{database}/documents {
    function me() {
      return get(/databases/$(database)/documents/members/$(request.auth.uid)).data;
    }
    function signedIn() {
      return request.auth != null && exists(/databases/$(database)/documents/members/$(request.auth.uid));
    }
    function hasRole(role) {
      return me().role == role;
    }
    match /open/{id} {
      allow read: if signedIn();
      allow write: if false;
    }
    match /lines/{id} {
      allow read: if signedIn() && (hasRole('staff') || resource.data.bankId == me().bankId);
    }
    match /mine/{uid} {
      allow read: if signedIn() && uid == request.auth.uid;
    }
    match /roles/{id} {
      allow read: if signedIn() && me().role in ['admin', 'staff'];
    }
    match /missing/{id} {
      allow read: if resource.data.nothere == 1 || signedIn();
      allow get: if !(resource.data.flag == true);
    }
    match /{document=**} {
      allow read, write: if false;
    }
  }
}`;

const members: Record<string, Record<string, unknown>> = {
  s: { role: 'staff', bankId: null },
  l: { role: 'liaison', bankId: 'icbc' },
};
const db: RulesDatabase = (collection, id) => (collection === 'members' ? (members[id] ?? null) : null);

function request(uid: string | null, collection: string, id: string, resource: Record<string, unknown> | null = {}): RulesRequest {
  return { auth: uid ? { uid, token: {} } : null, method: 'get', collection, id, resource };
}

describe('the Firestore rules evaluator', () => {
  const rules = new FirestoreRules(RULES);

  it('evaluates functions, get/exists paths and auth', () => {
    expect(rules.allows(request('s', 'open', 'x'), db)).toBe(true);
    expect(rules.allows(request(null, 'open', 'x'), db)).toBe(false);
    expect(rules.allows(request('stranger', 'open', 'x'), db)).toBe(false);
  });

  it('compares resource data, function parameters and path variables', () => {
    expect(rules.allows(request('l', 'lines', 'a', { bankId: 'icbc' }), db)).toBe(true);
    expect(rules.allows(request('l', 'lines', 'b', { bankId: 'ceb' }), db)).toBe(false);
    expect(rules.allows(request('s', 'lines', 'b', { bankId: 'ceb' }), db)).toBe(true);
    expect(rules.allows(request('l', 'mine', 'l'), db)).toBe(true);
    expect(rules.allows(request('l', 'mine', 's'), db)).toBe(false);
    expect(rules.allows(request('s', 'roles', 'r'), db)).toBe(true);
    expect(rules.allows(request('l', 'roles', 'r'), db)).toBe(false);
  });

  it('treats an error as false, except where || or && decide without it', () => {
    // resource.data.nothere is an error; signedIn() decides the ||.
    expect(rules.allows(request('s', 'missing', 'm', { flag: false }), db)).toBe(true);
    // not signed in: the first allow is error || false; the get-only allow reads flag.
    expect(rules.allows(request(null, 'missing', 'm', { flag: false }), db)).toBe(true);
    expect(rules.allows(request(null, 'missing', 'm', { flag: true }), db)).toBe(false);
    expect(rules.allows(request(null, 'missing', 'm', {}), db)).toBe(false);
    // a liaison reading a line whose bankId field is missing: an error, so denied.
    expect(rules.allows(request('l', 'lines', 'c', {}), db)).toBe(false);
  });

  it('falls through to the deny-all for an unmatched path', () => {
    expect(rules.allows(request('s', 'other', 'x'), db)).toBe(false);
  });

  it('refuses to parse what it does not understand instead of guessing', () => {
    expect(() => new FirestoreRules(RULES.replace("hasRole('staff')", "request.time < timestamp.value(1)"))).toThrow();
    expect(() => new FirestoreRules(RULES.replace("rules_version = '2';", "rules_version = '1';"))).toThrow();
    expect(() => new FirestoreRules(RULES.replace('me().role in', 'me().role is'))).toThrow();
  });
});
