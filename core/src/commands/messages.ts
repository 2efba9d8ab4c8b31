/**
 * Every message key a command can end with, so the web app can check that each one has a text
 * in both zh-CN and en (`locales/<lang>/errors.ts`). Params, where a key has them, are listed after it.
 */
import { LEDGER_COMMAND_MESSAGE_KEYS } from '../ledger/payload';
import { VALIDATION_MESSAGE_KEYS } from './schemas';

export const COMMAND_MESSAGE_KEYS = [
  ...VALIDATION_MESSAGE_KEYS,
  ...LEDGER_COMMAND_MESSAGE_KEYS,
  // executor
  'errors.command.unknown', // {command}
  'errors.command.unavailable', // {command}
  'errors.conflict', // {collection, id}
  'errors.internal', // no params: an error nobody foresaw, the same in every backend
  'errors.permission.role', // {role, command}
  'errors.permission.otherBank', // no params: never names the bank
  // not found
  'errors.notFound.project', // {id}
  'errors.notFound.line',
  'errors.notFound.bank',
  'errors.notFound.blocker',
  'errors.notFound.assignment',
  'errors.notFound.member',
  // projects and moves
  'errors.project.needThisYearOverTotal', // {needThisYear, needTotal} yuan
  'errors.project.equityPaidOverRequired', // {equityPaid, equityRequired} yuan
  'errors.project.equityOverInvestment', // {equityRequired, totalInvestment} yuan
  'errors.rank.invalid', // {before, after}
  'errors.gate.needMissing', // {stage}
  'errors.gate.leadBankMissing',
  'errors.gate.loanLineMissing',
  'errors.gate.approvedAmountMissing',
  'errors.gate.trancheMissing',
  'errors.gate.notFullyDisbursed', // {stage, remaining: yuan}
  'errors.gate.offFlow', // {stage, flag}
  'errors.blocker.alreadyResolved', // {id}
  'errors.assignment.alreadyDone', // {id}
  // loan lines; amounts in params are integer yuan
  'errors.line.duplicate', // {bankId, product, lineId}
  'errors.line.notApproved',
  'errors.line.declined',
  'errors.line.overDisbursed', // {approved, disbursed, amount}
  'errors.line.approvedBelowDisbursed', // {approved, disbursed}
  'errors.line.approvedBelowContracted', // {approved, contracted}
  'errors.line.approvalAfterTranche', // {approvedDate, trancheDate}
  'errors.line.contractOverApproved', // {approved, contracted}
  'errors.line.contractBeforeApproval', // {date, approvedDate}
  'errors.line.trancheBeforeApproval', // {date, approvedDate}
  'errors.date.future', // {date, today}
  // administration
  'errors.bank.duplicateName', // {name}
  'errors.member.selfDemotion',
  'errors.member.claimsPending', // a notice: saved, sign-in rights follow (functions/src/handlers/members.ts)
  // the monthly meeting (meeting/closeMonth.ts)
  'errors.month.closed',
  'errors.month.alreadyClosed',
  'errors.month.future',
  'errors.month.notEnded', // {month}
  'errors.month.earlyCloseAdminOnly', // {month}
  'errors.month.noData', // {month}
  'errors.month.beforeData', // {month, first}
  'errors.month.closedPeriod', // {date, month, closed}
  'errors.month.notClosed', // {month}
  'errors.month.notLatestClosed', // {month, latest}
  // input limits
  'errors.money.totalTooLarge', // {maxAmount: yuan}
  'errors.workspace.tooManyProjects', // {max, count}: workspace/capacity.ts
  'errors.workspace.tooManyBanks', // {max}
  'errors.line.approvalAfterContract', // {approvedDate, contractDate}
  'errors.blocker.tooMany', // {max}
  'errors.assignment.tooMany', // {max}
  'errors.project.tooLarge', // {size, max} KB
  // the 督办 loop (followUp/loop.ts)
  'errors.assignment.notYourParty', // {id}
  'errors.assignment.partyActs', // {id}: a member speaks for the party, staff do not act for it
  'errors.assignment.wrongState', // {state, step}
  // the monthly reporting round (followUp/reporting.ts)
  'errors.reporting.notOpen', // {month}
  'errors.reporting.alreadyOpen', // {month}
  'errors.letter.registerUnreadable',
  'errors.reporting.bankRequired',
  'errors.reporting.noteRequired',
  'errors.reporting.notAsked', // {month}
  'errors.reporting.alreadySubmitted', // {month}
  'errors.reporting.nobodyLate', // {month}
  'errors.member.unitRequired',
] as const;
