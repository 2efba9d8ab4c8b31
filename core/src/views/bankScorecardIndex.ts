/** The quarterly bank scorecard 银行季度考核: the read model and its Excel sheet. */
export {
  addQuarters,
  bankScorecard,
  bankScorecardForBank,
  DEFAULT_SCORECARD_WEIGHTS,
  isIsoQuarter,
  quarterMonths,
  quarterOf,
  SCORECARD_CRITERIA,
  SCORECARD_WEIGHTS_DOC_ID,
  scorecardAudienceOf,
  scorecardWeightsOf,
} from './bankScorecard';
export type { ScorecardAudience } from './bankScorecard';
export type { BankScorecard, IsoQuarter, ScorecardCriterion, ScorecardFigures, ScorecardInput, ScorecardRow, ScorecardTotal, ScorecardWeights, Tally } from './bankScorecard';
export { buildScorecardWorkbook, quarterText, scorecardFileName } from './bankScorecardWorkbook';
