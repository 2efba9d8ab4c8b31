/**
 * Projects on the board: create, edit, move (stage + rank, through the stage gates), flag off the
 * main flow, reschedule the expected month, and the action plan 一项一策.
 */
import { deriveProject } from '../../derive';
import { rankBetween } from '../../rank';
import { checkStageGate } from '../../stages';
import type { Project } from '../../types';
import { assertRoomForProjects, readProjectCount, writeProjectCount } from '../../workspace/capacity';
import type { CommandPayloads } from '../schemas';
import { assertBankExists, deriveInWorkspace, editProject, fieldRefusal, newProject, projectDiff, readStallRules } from './shared';
import type { CommandHandler } from './types';

type ProjectFigures = Pick<Project, 'totalInvestment' | 'equityRequired' | 'equityPaid' | 'needTotal' | 'needThisYear'>;

/** Figures that contradict each other; `changed` limits the check to what the person touched. */
function assertFiguresAgree(figures: ProjectFigures, changed: (field: keyof ProjectFigures) => boolean): void {
  if ((changed('needThisYear') || changed('needTotal')) && figures.needThisYear > figures.needTotal) {
    throw fieldRefusal('invalid-argument', 'needThisYear', 'errors.project.needThisYearOverTotal', {
      needThisYear: figures.needThisYear,
      needTotal: figures.needTotal,
    });
  }
  if ((changed('equityPaid') || changed('equityRequired')) && figures.equityPaid > figures.equityRequired) {
    throw fieldRefusal('invalid-argument', 'equityPaid', 'errors.project.equityPaidOverRequired', {
      equityPaid: figures.equityPaid,
      equityRequired: figures.equityRequired,
    });
  }
  if (
    (changed('equityRequired') || changed('totalInvestment')) &&
    figures.totalInvestment > 0 &&
    figures.equityRequired > figures.totalInvestment
  ) {
    throw fieldRefusal('invalid-argument', 'equityRequired', 'errors.project.equityOverInvestment', {
      equityRequired: figures.equityRequired,
      totalInvestment: figures.totalInvestment,
    });
  }
}

const EDITABLE_FIELDS = [
  'name',
  'owner',
  'district',
  'sector',
  'source',
  'buildStatus',
  'totalInvestment',
  'equityRequired',
  'equityPaid',
  'needTotal',
  'needThisYear',
  'leadBankId',
  'responsibleUnit',
  'responsiblePerson',
] as const satisfies readonly (keyof Project & keyof CommandPayloads['project.create'])[];

export const projectCreate: CommandHandler<'project.create'> = async (ctx) => {
  const input = ctx.payload;
  assertFiguresAgree(input, () => true);
  if (input.leadBankId) await assertBankExists(ctx.tx, input.leadBankId, 'leadBankId');
  const [last] = await ctx.tx.query<Project>('projects', {
    where: [{ field: 'stage', op: '==', value: input.stage }],
    orderBy: [{ field: 'rank', direction: 'desc' }],
    limit: 1,
  });
  const rules = await readStallRules(ctx.tx);
  const count = await readProjectCount(ctx.tx);
  assertRoomForProjects(count, 1);

  const id = ctx.newId('projects');
  const base: Project = newProject(id, ctx.at, ctx.actor.uid, {
    name: input.name,
    owner: input.owner,
    district: input.district,
    sector: input.sector,
    source: input.source,
    buildStatus: input.buildStatus,
    totalInvestment: input.totalInvestment,
    equityRequired: input.equityRequired,
    equityPaid: input.equityPaid,
    needTotal: input.needTotal,
    needThisYear: input.needThisYear,
    leadBankId: input.leadBankId,
    responsibleUnit: input.responsibleUnit,
    responsiblePerson: input.responsiblePerson,
    rank: rankBetween(last?.data.rank ?? null, null),
    expectedMonth: input.expectedMonth,
    actionPlan: input.actionPlan,
  });

  // A new project starts in 储备谋划; placing it further on must pass the same gates as a move.
  const refusal = checkStageGate(deriveProject(base, [], rules, ctx.now), input.stage);
  if (refusal) throw refusal;
  const project = deriveProject({ ...base, stage: input.stage }, [], rules, ctx.now);
  ctx.writer.create('projects', id, project);
  writeProjectCount(ctx.writer, count, 1);

  const after: Record<string, unknown> = Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, project[field]]));
  Object.assign(after, { stage: project.stage, expectedMonth: project.expectedMonth, actionPlan: project.actionPlan });
  return { createdId: id, activity: { projectId: id, lineId: null, before: null, after } };
};

export const projectUpdate: CommandHandler<'project.update'> = async (ctx) => {
  const { projectId, expectedVersion, changes } = ctx.payload;
  const fields = Object.keys(changes) as (keyof typeof changes)[];
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    async (draft) => {
      Object.assign(draft, changes);
      assertFiguresAgree(draft, (field) => field in changes);
      if (changes.leadBankId) await assertBankExists(ctx.tx, changes.leadBankId, 'changes.leadBankId');
    },
    (before, after) => projectDiff(before, after, fields),
  );
  return { activity };
};

export const projectMove: CommandHandler<'project.move'> = async (ctx) => {
  const { projectId, expectedVersion, toStage, before, after } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft, workspace) => {
      // Gate on figures derived now (from the line digest every line command keeps fresh), not on
      // a summary that may predate a change of the rules.
      const current = deriveInWorkspace(ctx, workspace, draft);
      const refusal = checkStageGate(current, toStage);
      if (refusal) throw refusal;
      draft.rank = rankBetween(before, after);
      if (draft.stage !== toStage) {
        draft.stage = toStage;
        draft.stageEnteredAt = ctx.at;
      }
    },
    (was, now) => projectDiff(was, now, ['stage', 'rank', 'stageEnteredAt']),
  );
  return { activity };
};

export const projectSetFlag: CommandHandler<'project.setFlag'> = async (ctx) => {
  const { projectId, expectedVersion, flag, reason } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      draft.flag = flag;
    },
    (was, now) => {
      const diff = projectDiff(was, now, ['flag']);
      return { before: diff.before, after: { ...diff.after, reason } };
    },
  );
  return { activity };
};

export const projectReschedule: CommandHandler<'project.reschedule'> = async (ctx) => {
  const { projectId, expectedVersion, expectedMonth } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      draft.expectedMonth = expectedMonth;
    },
    (was, now) => projectDiff(was, now, ['expectedMonth']),
  );
  return { activity };
};

export const projectSetActionPlan: CommandHandler<'project.setActionPlan'> = async (ctx) => {
  const { projectId, expectedVersion, actionPlan } = ctx.payload;
  const { activity } = await editProject(
    ctx,
    projectId,
    expectedVersion,
    (draft) => {
      draft.actionPlan = actionPlan;
    },
    (was, now) => projectDiff(was, now, ['actionPlan']),
  );
  return { activity };
};
