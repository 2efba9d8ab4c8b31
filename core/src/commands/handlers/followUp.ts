/**
 * The 督办 loop's steps on an assignment (签收, 反馈, 申请办结, 销号, 退回) and the monthly
 * reporting round (open, submit, chase). Who may take each step is decided in core/src/followUp/loop.ts;
 * a refusal throws before anything is written.
 */
import { DomainError } from '../../errors';
import { assignmentState, onBehalfOf, stepRefusal } from '../../followUp/loop';
import type { LoopStep } from '../../followUp/loop';
import { defaultReportingDeadline, lateBanks, reportingRoundDocId } from '../../followUp/reporting';
import type { ReportingRound } from '../../followUp/reporting';
import {
  isLetterKeyOf,
  issueLetters,
  letterCounterDocId,
  letterDocId,
  LETTERS_COLLECTION,
  letterScope,
  readIssuedLetter,
  readLetterCounter,
} from '../../followUp/letterRegister';
import type { IssuedLetter } from '../../followUp/letterRegister';
import { todayIso } from '../../dates';
import type { Assignment, AssignmentStep, Bank, Member } from '../../types';
import { editProject, notFound, projectDiff } from './shared';
import type { CommandHandler, HandlerContext } from './types';

/** Past steps kept on an assignment; older reports stay in the activity records. */
const MAX_REPORTS = 30;

async function readParties(ctx: HandlerContext): Promise<{ members: Member[]; banks: Bank[]; unit: string | null }> {
  const members = (await ctx.tx.query<Member>('members')).map((doc) => doc.data);
  const banks = (await ctx.tx.query<Bank>('banks')).map((doc) => doc.data);
  // The actor's unit as the member record says it (a session's actor may predate the field).
  const unit = ctx.actor.unit ?? members.find((m) => m.uid === ctx.actor.uid)?.unit ?? null;
  return { members, banks, unit };
}

type AssignmentCommand = 'assignment.acknowledge' | 'assignment.report' | 'assignment.requestClose' | 'assignment.close' | 'assignment.return';

function stepHandler<N extends AssignmentCommand>(
  step: LoopStep,
  apply: (assignment: Assignment, record: AssignmentStep, at: string) => Assignment,
): CommandHandler<N> {
  return async (ctx) => {
    const payload = ctx.payload as { projectId: string; expectedVersion: number; assignmentId: string; text?: string };
    const { projectId, expectedVersion, assignmentId } = payload;
    const parties = await readParties(ctx);
    const record: AssignmentStep = { at: ctx.at, by: ctx.actor.uid, byName: ctx.actor.name, text: payload.text ?? '' };
    const { activity } = await editProject(
      ctx,
      projectId,
      expectedVersion,
      (draft) => {
        const assignment = draft.assignments.find((a) => a.id === assignmentId);
        if (!assignment) throw notFound('assignment', assignmentId);
        const refusal = stepRefusal({ ...ctx.actor, unit: parties.unit }, step, assignment, parties);
        if (refusal) {
          const params = 'params' in refusal ? refusal.params : { id: assignmentId };
          throw new DomainError(refusal.code, refusal.messageKey, params);
        }
        const party = onBehalfOf({ ...ctx.actor, unit: parties.unit }, step, assignment, parties.banks);
        if (party !== null) record.onBehalfOf = party;
        draft.assignments = draft.assignments.map((a) => (a.id === assignmentId ? apply(a, record, ctx.at) : a));
      },
      (was, now) => {
        const diff = projectDiff(was, now, []);
        const before = was.assignments.find((a) => a.id === assignmentId);
        return {
          before: { ...diff.before, assignmentId, state: before ? assignmentState(before) : null },
          // 代为登记: the history says for whom; the activity's actor says who recorded it.
          after: { ...diff.after, assignmentId, step, text: record.text, ...(record.onBehalfOf ? { onBehalfOf: record.onBehalfOf } : {}) },
        };
      },
    );
    return { activity };
  };
}

export const assignmentAcknowledge = stepHandler<'assignment.acknowledge'>('acknowledge', (a, record) => ({ ...a, acknowledged: record }));
export const assignmentReport = stepHandler<'assignment.report'>('report', (a, record) => ({
  ...a,
  reports: [...(a.reports ?? []), record].slice(-MAX_REPORTS),
}));
export const assignmentRequestClose = stepHandler<'assignment.requestClose'>('requestClose', (a, record) => ({ ...a, closeRequest: record }));
export const assignmentClose = stepHandler<'assignment.close'>('close', (a, _record, at) => ({ ...a, doneAt: at }));
export const assignmentReturn = stepHandler<'assignment.return'>('return', (a, record) => ({ ...a, closeRequest: null, returned: record }));

// ---- the monthly reporting round 月度报送 ------------------------------------------------------

async function readRound(ctx: HandlerContext, month: string) {
  const doc = await ctx.tx.get<ReportingRound>('settings', reportingRoundDocId(month));
  if (!doc) throw new DomainError('failed-precondition', 'errors.reporting.notOpen', { month });
  return doc;
}

export const reportingOpen: CommandHandler<'reporting.open'> = async (ctx) => {
  const { month, deadline } = ctx.payload;
  const id = reportingRoundDocId(month);
  if (await ctx.tx.get('settings', id)) throw new DomainError('failed-precondition', 'errors.reporting.alreadyOpen', { month });
  const banks = (await ctx.tx.query<Bank>('banks')).map((doc) => doc.data);
  const round: ReportingRound = {
    month,
    deadline: deadline ?? defaultReportingDeadline(month),
    openedAt: ctx.at,
    openedBy: ctx.actor.uid,
    bankIds: banks.map((b) => b.id),
    submissions: {},
    chases: [],
  };
  ctx.writer.create('settings', id, round);
  return { createdId: id, activity: { projectId: null, lineId: null, before: null, after: { reportingRound: month, deadline: round.deadline } } };
};

export const reportingSubmit: CommandHandler<'reporting.submit'> = async (ctx) => {
  const { month, noChange } = ctx.payload;
  const note = ctx.payload.note ?? '';
  // A liaison reports for its own bank; staff record a bank's report for it.
  const bankId = ctx.actor.role === 'liaison' ? ctx.actor.bankId : ctx.payload.bankId;
  if (!bankId) throw new DomainError('invalid-argument', 'errors.reporting.bankRequired');
  if (ctx.actor.role === 'liaison' && ctx.payload.bankId && ctx.payload.bankId !== bankId) {
    throw new DomainError('permission-denied', 'errors.permission.otherBank');
  }
  if (!noChange && note.length === 0) throw new DomainError('invalid-argument', 'errors.reporting.noteRequired');
  const doc = await readRound(ctx, month);
  const round = doc.data;
  if (!round.bankIds.includes(bankId)) throw new DomainError('failed-precondition', 'errors.reporting.notAsked', { month });
  if (round.submissions[bankId]) throw new DomainError('failed-precondition', 'errors.reporting.alreadySubmitted', { month });
  const submission = { at: ctx.at, by: ctx.actor.uid, byName: ctx.actor.name, noChange, note };
  ctx.writer.update('settings', doc.id, { ...round, submissions: { ...round.submissions, [bankId]: submission } }, doc.version);
  return { activity: { projectId: null, lineId: null, bankId, before: null, after: { reportingRound: month, bankId, noChange, note } } };
};

export const reportingChase: CommandHandler<'reporting.chase'> = async (ctx) => {
  const { month } = ctx.payload;
  const doc = await readRound(ctx, month);
  const late = lateBanks(doc.data, ctx.now);
  if (late.length === 0) throw new DomainError('failed-precondition', 'errors.reporting.nobodyLate', { month });
  const chase = { at: ctx.at, by: ctx.actor.uid, bankIds: late };
  ctx.writer.update('settings', doc.id, { ...doc.data, chases: [...doc.data.chases, chase] }, doc.version);
  return { stats: { chased: late.length }, activity: { projectId: null, lineId: null, before: null, after: { reportingRound: month, chased: late } } };
};

/**
 * `letter.issue`: numbers the 工作提醒函 being printed (core/src/followUp/letterRegister.ts). The
 * year's counter is read and written in this transaction, so the number is the year's next even
 * when two people print at once; a letter issued before (found by its id) keeps its number.
 */
export const letterIssue: CommandHandler<'letter.issue'> = async (ctx) => {
  const { month, letters } = ctx.payload;
  for (const letter of letters) {
    if (!isLetterKeyOf(letter.key, letter.party)) throw new DomainError('invalid-argument', 'errors.field.invalid');
  }
  const unreadable = () => new DomainError('failed-precondition', 'errors.letter.registerUnreadable');
  const today = todayIso(ctx.now);
  const year = Number(today.slice(0, 4));
  // Every read first (a transaction reads before it writes): the year's counter, the letters asked for.
  const counterDoc = await ctx.tx.get(LETTERS_COLLECTION, letterCounterDocId(year));
  const stored = counterDoc ? readLetterCounter(counterDoc.data) : null;
  if (counterDoc && !stored) throw unreadable();
  const known = new Map<string, IssuedLetter>();
  const scope = letterScope(month, today);
  for (const id of new Set(letters.map((letter) => letterDocId(scope, letter.key)))) {
    const doc = await ctx.tx.get(LETTERS_COLLECTION, id);
    if (!doc) continue;
    const letter = readIssuedLetter(doc.data);
    if (!letter) throw unreadable();
    known.set(id, letter);
  }

  const { created, counter } = issueLetters(stored, known, letters, month, ctx.now, ctx.actor.uid);
  if (created.length === 0) return { activity: null };
  for (const { id, letter } of created) ctx.writer.create(LETTERS_COLLECTION, id, letter);
  if (counterDoc) ctx.writer.update(LETTERS_COLLECTION, counterDoc.id, counter, counterDoc.version);
  else ctx.writer.create(LETTERS_COLLECTION, letterCounterDocId(year), counter);
  const numbers = created.map(({ letter }) => `〔${year}〕${letter.serial} ${letter.party}`).join('；');
  return { activity: { projectId: null, lineId: null, before: null, after: { letters: numbers } } };
};
