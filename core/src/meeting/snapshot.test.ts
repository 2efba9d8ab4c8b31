import { describe, expect, it } from 'vitest';
import { SNAPSHOT_TEXT_MAX, boardOfSnapshot, buildMonthSnapshot } from './snapshot';
import {
  FIRESTORE_MAX_DOCUMENT_BYTES,
  assembleSnapshot,
  firestoreValueSize,
  snapshotDocuments,
  storedSize,
} from './snapshotStorage';
import type { SnapshotHeaderDoc, SnapshotPartDoc } from './snapshotStorage';
import { WAN, makeAssignment, makeBank, makeBlocker, makeLine, makeProject, makeTranche } from './testing';
import type { LoanLine, Project } from '../types';

const banks = [makeBank('icbc', '工商银行', 500_000 * WAN), makeBank('ceb', '光大银行', 100_000 * WAN), makeBank('idle', '华夏银行')];

function smallWorkspace(): { projects: Project[]; lines: LoanLine[] } {
  const projects = [
    makeProject({
      id: 'p1',
      stage: 'disbursing',
      needTotal: 5_000 * WAN,
      leadBankId: 'icbc',
      blockers: [
        makeBlocker({ id: 'b1', openedAt: '2026-04-02T02:00:00.000Z' }),
        makeBlocker({ id: 'b2', openedAt: '2026-04-02T02:00:00.000Z', resolvedAt: '2026-05-20T02:00:00.000Z' }),
        makeBlocker({ id: 'b3', openedAt: '2026-06-02T02:00:00.000Z' }),
      ],
      assignments: [
        makeAssignment({ id: 'a1', month: '2026-04', createdAt: '2026-04-28T02:00:00.000Z', doneAt: '2026-05-10T02:00:00.000Z' }),
        makeAssignment({ id: 'a2', month: '2026-05', createdAt: '2026-05-28T02:00:00.000Z' }),
        makeAssignment({ id: 'a3', month: '2026-03', createdAt: '2026-03-28T02:00:00.000Z', doneAt: '2026-04-01T02:00:00.000Z' }),
      ],
      stall: {
        stalled: true,
        flags: [{ rule: 'stageLimit', since: '2026-05-01T00:00:00.000Z', params: { days: 95, limit: 90 } }],
        evaluatedAt: '2026-05-31T00:00:00.000Z',
        nextCheckAt: null,
      },
    }),
    makeProject({ id: 'p2', stage: 'approval', needTotal: 1_200 * WAN, flag: 'suspended' }),
    makeProject({ id: 'p3', stage: 'pipeline', needTotal: 800 * WAN, createdAt: '2026-06-03T02:00:00.000Z' }),
  ];
  const lines = [
    makeLine({
      id: 'l1',
      projectId: 'p1',
      bankId: 'icbc',
      requested: 3_000 * WAN,
      approved: 3_000 * WAN,
      approvedDate: '2026-03-01',
      contracted: 3_000 * WAN,
      contractDate: '2026-03-15',
      tranches: [
        makeTranche('t1', '2026-04-10', 1_000 * WAN),
        makeTranche('t2', '2026-05-31', 500 * WAN),
        makeTranche('t3', '2026-06-01', 700 * WAN),
      ],
    }),
    makeLine({
      id: 'l2',
      projectId: 'p1',
      bankId: 'ceb',
      requested: 2_000 * WAN,
      approved: 1_500 * WAN,
      approvedDate: '2026-06-02',
    }),
    makeLine({ id: 'l3', projectId: 'p2', bankId: 'ceb', requested: 1_200 * WAN }),
    makeLine({ id: 'l4', projectId: 'p2', bankId: 'ceb', requested: 99 * WAN, createdAt: '2026-06-05T00:00:00.000Z' }),
  ];
  return { projects, lines };
}

describe('buildMonthSnapshot', () => {
  // Closed a few days after the month end: June events must not leak into May.
  const now = new Date('2026-06-06T03:00:00.000Z');

  it('counts money by the dated events up to the month end, Shanghai time', () => {
    const { projects, lines } = smallWorkspace();
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, now);
    expect(snapshot.asOf).toBe('2026-05-31T15:59:59.999Z');
    expect(snapshot.projects.map((p) => p.id)).toEqual(['p1', 'p2']);
    const p1 = snapshot.projects[0]!;
    expect(p1.approved).toBe(3_000 * WAN); // the ceb approval of 06-02 is June's
    expect(p1.contracted).toBe(3_000 * WAN);
    expect(p1.disbursed).toBe(1_500 * WAN);
    expect(p1.disbursedInMonth).toBe(500 * WAN);
    expect(p1.approvedNotDisbursed).toBe(1_500 * WAN);
    expect(p1.approvedNotDisbursedDays).toBe(91); // 2026-03-01 → 2026-05-31
    expect(p1.requested).toBe(5_000 * WAN);
    expect(p1.openBlockers.map((b) => b.id)).toEqual(['b1']);
    expect(p1.openBlockers[0]!.description).toBe('困难b1');
    expect(p1.assignments.map((a) => a.id)).toEqual(['a2']);
    expect(p1.stalled).toBe(true);
    expect(p1.stallFlags[0]).toMatchObject({ rule: 'stageLimit', params: { days: 95, limit: 90 } });
    const p2 = snapshot.projects[1]!;
    expect(p2.lines.map((l) => l.id)).toEqual(['l3']);
    expect(p2.flag).toBe('suspended');
  });

  it('adds up per bank and for the whole list', () => {
    const { projects, lines } = smallWorkspace();
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, now);
    expect(snapshot.banks.map((b) => b.bankId)).toEqual(['ceb', 'icbc', 'idle']);
    const [ceb, icbc, idle] = snapshot.banks;
    expect(icbc).toMatchObject({ projectCount: 1, lineCount: 1, approved: 3_000 * WAN, disbursed: 1_500 * WAN, disbursedInMonth: 500 * WAN, agreementAmount: 500_000 * WAN });
    expect(ceb).toMatchObject({ projectCount: 2, lineCount: 2, requested: 3_200 * WAN, approved: 0, disbursed: 0 });
    expect(idle).toMatchObject({ projectCount: 0, lineCount: 0, approved: 0 });
    expect(snapshot.totals).toMatchObject({
      projectCount: 2,
      offFlowCount: 1,
      stalledCount: 1,
      openBlockerCount: 1,
      need: 6_200 * WAN,
      approved: 3_000 * WAN,
      disbursed: 1_500 * WAN,
      disbursedInMonth: 500 * WAN,
      approvedNotDisbursed: 1_500 * WAN,
    });
  });

  it('uses now as the cut-off of a month that has not ended', () => {
    const { projects, lines } = smallWorkspace();
    const snapshot = buildMonthSnapshot('2026-06', projects, lines, banks, now);
    expect(snapshot.asOf).toBe(now.toISOString());
    expect(snapshot.projects.map((p) => p.id)).toEqual(['p1', 'p2', 'p3']);
    expect(snapshot.projects[0]).toMatchObject({ approved: 4_500 * WAN, disbursedInMonth: 700 * WAN });
    expect(snapshot.projects[0]!.openBlockers.map((b) => b.id)).toEqual(['b1', 'b3']);
  });

  it('is a copy: later edits to the live project do not reach it', () => {
    const { projects, lines } = smallWorkspace();
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, now);
    const frozen = JSON.stringify(snapshot);
    projects[0]!.stall.flags[0]!.params.days = 1;
    projects[0]!.blockers[0]!.party = 'changed';
    projects[0]!.name = 'changed';
    lines[0]!.tranches.push(makeTranche('t9', '2026-05-02', 1));
    expect(JSON.stringify(snapshot)).toBe(frozen);
  });
});

/** A project as heavy as a real one gets: long names, two lines with tranches, blockers, a flag. */
function heavyWorkspace(count: number): { projects: Project[]; lines: LoanLine[] } {
  const projects: Project[] = [];
  const lines: LoanLine[] = [];
  for (let i = 0; i < count; i++) {
    const id = `project-${String(i).padStart(5, '0')}-abcdefgh`;
    projects.push(
      makeProject({
        id,
        name: `某某市某某县区第${i}号重点基础设施建设及配套工程项目（一期）`,
        owner: { name: '某某市城市建设投资开发集团有限责任公司', creditCode: '91530100MA6K000000', type: 'platform' },
        district: '某某经济技术开发区',
        sector: '城市基础设施',
        stage: 'disbursing',
        needTotal: 123_456_789,
        leadBankId: 'icbc',
        responsibleUnit: '某某市发展和改革委员会',
        responsiblePerson: '张某某',
        expectedMonth: '2026-07',
        blockers: [
          makeBlocker({ id: `${id}-b1`, description: '项目用地手续尚未办结，需市自然资源局协调加快办理用地预审和规划许可'.repeat(2) }),
          makeBlocker({ id: `${id}-b2`, tag: 'equity', description: '资本金到位比例偏低，需业主单位加快筹措' }),
        ],
        assignments: [makeAssignment({ id: `${id}-a1`, what: '请市自然资源局于月底前完成用地预审并反馈调度专班', who: '市自然资源局' })],
        stall: {
          stalled: true,
          flags: [
            { rule: 'stageLimit', since: '2026-04-01T00:00:00.000Z', params: { days: 95, limit: 90 } },
            { rule: 'bankSilent', since: '2026-04-11T00:00:00.000Z', params: { bankId: 'icbc', days: 45 } },
          ],
          evaluatedAt: '2026-05-31T00:00:00.000Z',
          nextCheckAt: null,
        },
      }),
    );
    for (const bankId of ['icbc', 'ceb']) {
      lines.push(
        makeLine({
          id: `${id}-${bankId}`,
          projectId: id,
          bankId,
          requested: 60_000_000,
          approved: 50_000_000,
          approvedDate: '2026-02-01',
          contracted: 50_000_000,
          contractDate: '2026-02-20',
          tranches: [makeTranche('a', '2026-03-10', 10_000_000), makeTranche('b', '2026-04-10', 10_000_000), makeTranche('c', '2026-05-10', 10_000_000)],
          status: 'disbursing',
        }),
      );
    }
  }
  return { projects, lines };
}

describe('snapshot storage', () => {
  it('keeps a small snapshot in one document', () => {
    const { projects, lines } = smallWorkspace();
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, new Date('2026-06-06T03:00:00Z'));
    const docs = snapshotDocuments(snapshot);
    expect(docs.map((d) => d.id)).toEqual(['2026-05']);
    expect(assembleSnapshot(docs[0]!.data as SnapshotHeaderDoc, [])).toEqual(snapshot);
  });

  it('splits a 5,000-project snapshot into parts that each fit a Firestore document', () => {
    const { projects, lines } = heavyWorkspace(5_000);
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, new Date('2026-06-06T03:00:00Z'));
    const wholeJsonBytes = new TextEncoder().encode(JSON.stringify(snapshot)).length;
    // The reason for splitting: the whole thing is several times the limit.
    expect(wholeJsonBytes).toBeGreaterThan(3 * FIRESTORE_MAX_DOCUMENT_BYTES);
    // …but small enough for the one Firestore commit of month.close (10 MiB request limit,
    // less room for the month document and the activity).
    expect(firestoreValueSize(snapshot)).toBeLessThan(9.5 * FIRESTORE_MAX_DOCUMENT_BYTES);

    const docs = snapshotDocuments(snapshot);
    const header = docs[0]!.data as SnapshotHeaderDoc;
    expect(docs[0]!.id).toBe('2026-05');
    expect(header.parts).toBe(docs.length - 1);
    expect(header.projects).toEqual([]);
    expect(docs.slice(1).map((d) => d.id)).toEqual(Array.from({ length: header.parts }, (_, i) => `2026-05-p${i}`));
    for (const doc of docs) {
      expect(storedSize('snapshots', doc.id, doc.data)).toBeLessThan(FIRESTORE_MAX_DOCUMENT_BYTES);
    }
    const parts = docs.slice(1).map((d) => d.data as SnapshotPartDoc).reverse();
    // Compared as text: a deep structural diff of 5,000 projects is needlessly slow.
    const same = JSON.stringify(assembleSnapshot(header, parts)) === JSON.stringify(snapshot);
    expect(same, 'the reassembled snapshot equals the original').toBe(true);
  }, 60_000);

  it('refuses to assemble a snapshot with a part missing', () => {
    const { projects, lines } = heavyWorkspace(800);
    const snapshot = buildMonthSnapshot('2026-05', projects, lines, banks, new Date('2026-06-06T03:00:00Z'));
    const docs = snapshotDocuments(snapshot, 200_000);
    expect(docs.length).toBeGreaterThan(2);
    const parts = docs.slice(2).map((d) => d.data as SnapshotPartDoc);
    expect(() => assembleSnapshot(docs[0]!.data as SnapshotHeaderDoc, parts)).toThrow(/parts/);
  }, 60_000);
});

describe('snapshot text', () => {
  it('clips long free text to SNAPSHOT_TEXT_MAX characters', () => {
    const long = '很'.repeat(SNAPSHOT_TEXT_MAX + 5);
    const project = makeProject({ id: 'p', blockers: [makeBlocker({ id: 'b', description: long })] });
    const snapshot = buildMonthSnapshot('2026-05', [project], [], [], new Date('2026-06-06T03:00:00Z'));
    const text = snapshot.projects[0]!.openBlockers[0]!.description;
    expect(Array.from(text)).toHaveLength(SNAPSHOT_TEXT_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('boardOfSnapshot', () => {
  it('lays a closed month out as the board columns, in rank order, off-flow apart', () => {
    const projects = [
      makeProject({ id: 'x', stage: 'approval', rank: 'a2' }),
      makeProject({ id: 'y', stage: 'approval', rank: 'a1' }),
      makeProject({ id: 'z', stage: 'pipeline', rank: 'a0' }),
      makeProject({ id: 'w', stage: 'approval', rank: 'a0', flag: 'withdrawn' }),
    ];
    const board = boardOfSnapshot(buildMonthSnapshot('2026-05', projects, [], [], new Date('2026-06-06T03:00:00Z')));
    expect(board.columns.map((c) => [c.stage, c.projects.map((p) => p.id)])).toEqual([
      ['pipeline', ['z']],
      ['matched', []],
      ['diligence', []],
      ['approval', ['y', 'x']],
      ['approved', []],
      ['disbursing', []],
      ['disbursed', []],
    ]);
    expect(board.offFlow.map((p) => p.id)).toEqual(['w']);
  });
});
