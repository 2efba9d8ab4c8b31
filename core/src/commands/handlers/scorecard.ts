/**
 * `scorecard.setWeights`: the admin sets the weights of the quarterly bank scorecard 银行季度考核
 * (core/src/views/bankScorecard.ts), one settings document at the version the admin saw.
 */
import { ConflictError } from '../../errors';
import { SCORECARD_WEIGHTS_DOC_ID } from '../../views/bankScorecard';
import type { ScorecardWeights } from '../../views/bankScorecard';
import { assertVersion, diffFields } from './shared';
import type { CommandHandler } from './types';

export const scorecardSetWeights: CommandHandler<'scorecard.setWeights'> = async (ctx) => {
  const { expectedVersion, weights } = ctx.payload;
  const current = await ctx.tx.get<ScorecardWeights>('settings', SCORECARD_WEIGHTS_DOC_ID);
  const data: ScorecardWeights = { ...weights };
  if (expectedVersion === null) {
    if (current) throw new ConflictError('settings', SCORECARD_WEIGHTS_DOC_ID);
    ctx.writer.create('settings', SCORECARD_WEIGHTS_DOC_ID, data);
    return { activity: { projectId: null, lineId: null, before: null, after: { ...data } } };
  }
  if (!current) throw new ConflictError('settings', SCORECARD_WEIGHTS_DOC_ID);
  assertVersion(current, 'settings', expectedVersion);
  ctx.writer.update('settings', SCORECARD_WEIGHTS_DOC_ID, data, current.version);
  return { activity: { projectId: null, lineId: null, ...diffFields(current.data, data, Object.keys(data)) } };
};
