/**
 * What can be checked about firestore.rules and firestore.indexes.json without the official
 * emulator (Java 21 + a download): the rules text denies every client write, ends in a deny-all
 * fallback and gives every collection a read gate; the indexes cover the composite queries the app
 * and the functions run. The behaviour of the rules per role, on documents real commands wrote, is
 * tested offline in readPolicyOnFirestore.test.ts with the evaluator in testing/rulesEvaluator.ts,
 * and with the official emulator by `npm run test:rules` where Java 21 is available.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COLLECTIONS } from '@clearway/core';
import { DERIVED_COLLECTIONS } from './firestoreDocumentStore';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rulesText = readFileSync(`${root}firestore.rules`, 'utf8');
const indexes = JSON.parse(readFileSync(`${root}firestore.indexes.json`, 'utf8')) as {
  indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order?: string }[] }[];
};

/** The rules without comments, whitespace collapsed. */
const code = rulesText
  .replace(/\/\/[^\n]*/g, '')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s+/g, ' ')
  .trim();

interface AllowStatement {
  methods: string[];
  condition: string;
}

function allowStatements(text: string): AllowStatement[] {
  return [...text.matchAll(/allow ([a-z, ]+?)(?:: if (.*?))?;/g)].map((m) => ({
    methods: m[1]!.split(',').map((s) => s.trim()),
    condition: (m[2] ?? 'true').trim(),
  }));
}

/** The body of `match <path> { … }`, braces balanced. */
function matchBody(text: string, path: string): string | null {
  const header = `match ${path} {`;
  const start = text.indexOf(header);
  if (start < 0) return null;
  const open = start + header.length - 1;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth += 1;
    if (text[i] === '}') depth -= 1;
    if (depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

const WRITE_METHODS = ['write', 'create', 'update', 'delete'];

describe('firestore.rules (offline checks)', () => {
  it('uses rules version 2 and parses into allow statements', () => {
    expect(code.startsWith("rules_version = '2';")).toBe(true);
    expect(allowStatements(code).length).toBeGreaterThan(COLLECTIONS.length);
  });

  it('denies every client write', () => {
    const writes = allowStatements(code).filter((s) => s.methods.some((m) => WRITE_METHODS.includes(m)));
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) expect(statement.condition).toBe('false');
  });

  it('never allows a read unconditionally or to anyone signed out', () => {
    for (const statement of allowStatements(code).filter((s) => s.methods.includes('read'))) {
      expect(statement.condition).not.toBe('true');
      expect(statement.condition === 'false' || /isActiveMember\(\)|readsEverything\(\)|isLiaison\(\)/.test(statement.condition)).toBe(true);
    }
    expect(code).toContain('request.auth != null');
    expect(code).toContain('memberDoc().disabled == false');
  });

  it('ends with a deny-all fallback for every path', () => {
    const documents = matchBody(code, '/databases/{database}/documents');
    expect(documents).not.toBeNull();
    const fallback = matchBody(documents!, '/{document=**}');
    expect(fallback?.trim()).toBe('allow read, write: if false;');
    expect(documents!.trim().endsWith('match /{document=**} { allow read, write: if false; }')).toBe(true);
  });

  it('gates reads of every collection the app uses, and scopes a liaison to their own bank’s lines', () => {
    const documents = matchBody(code, '/databases/{database}/documents')!;
    for (const collection of [...COLLECTIONS, ...DERIVED_COLLECTIONS]) {
      const body = [...documents.matchAll(new RegExp(`match /${collection}/\\{\\w+\\} \\{`, 'g'))];
      expect(body, collection).toHaveLength(1);
    }
    const lines = matchBody(documents, '/loanLines/{lineId}')!;
    expect(lines).toContain('resource.data.bankId == memberDoc().bankId');
    // The bureau's project and snapshot documents are not the liaisons': they read projections.
    expect(matchBody(documents, '/projects/{projectId}')).toContain('allow read: if readsEverything();');
    expect(matchBody(documents, '/snapshots/{snapshotId}')).toContain('allow read: if readsEverything();');
    // Which parties were sent a 工作提醒函, and by whom, is the bureau's.
    expect(matchBody(documents, '/letters/{letterId}')).toBe(' allow read: if readsEverything(); allow write: if false; ');
  });
});

describe('firestore.indexes.json', () => {
  /** Composite queries (equality + order, or several fields) run by the app and the functions. */
  const COMPOSITE_QUERIES: { collection: string; fields: [string, 'ASCENDING' | 'DESCENDING'][]; why: string }[] = [
    { collection: 'activity', fields: [['projectId', 'ASCENDING'], ['at', 'DESCENDING']], why: 'project history in the drawer' },
    {
      collection: 'activity',
      fields: [['projectId', 'ASCENDING'], ['lineId', 'ASCENDING'], ['at', 'DESCENDING']],
      why: 'project history for a liaison (project-level records only)',
    },
    {
      collection: 'activity',
      fields: [['projectId', 'ASCENDING'], ['bankId', 'ASCENDING'], ['at', 'DESCENDING']],
      why: 'project history for a liaison (their own bank’s line records)',
    },
    { collection: 'projects', fields: [['stage', 'ASCENDING'], ['rank', 'DESCENDING']], why: 'project.create appends to a column' },
    { collection: 'loanLines', fields: [['projectId', 'ASCENDING'], ['bankId', 'ASCENDING']], why: 'a liaison’s lines of one project' },
  ];

  it.each(COMPOSITE_QUERIES)('has an index for $collection: $why', ({ collection, fields }) => {
    const match = indexes.indexes.find(
      (index) =>
        index.collectionGroup === collection &&
        index.queryScope === 'COLLECTION' &&
        index.fields.length === fields.length &&
        index.fields.every((f, i) => f.fieldPath === fields[i]![0] && f.order === fields[i]![1]),
    );
    expect(match).toBeDefined();
  });

  it('declares only collections the app has', () => {
    for (const index of indexes.indexes) expect(COLLECTIONS as readonly string[]).toContain(index.collectionGroup);
  });
});
