/**
 * A project's `ledger.importProject` payload checked by the command's own schema, so that the
 * preview refuses what applying would refuse, with each refusal on the ledger field it speaks of.
 */
import { parseCommandPayload } from '../commands/schemas';
import { DomainError } from '../errors';
import type { LedgerField } from './columns';
import type { LedgerImportInput } from './payload';
import type { RowIssue } from './previewTypes';
import { rowError } from './previewTypes';

/** The ledger field a payload path speaks of (fields.owner.name → ownerName), for the row's reason. */
export function fieldOfPath(path: string): LedgerField | null {
  const [head, second, third] = path.split('.');
  if (head === 'fields') {
    if (second === 'owner') return third === 'creditCode' ? 'creditCode' : third === 'type' ? 'ownerType' : 'ownerName';
    if (second === 'leadBankId') return 'bank';
    return (second as LedgerField | undefined) ?? null;
  }
  if (head === 'lines') return third === 'approvedDate' ? 'approvedDate' : third === 'disbursed' || third === 'disbursedDate' ? 'disbursed' : third === 'approved' ? 'approved' : third === 'requested' ? 'requested' : 'bank';
  if (head === 'blockers') return 'problems';
  if (head === 'stage' || head === 'flag') return 'stage';
  return null;
}

/** The reasons the command would be refused (none: it would be accepted). */
export function commandIssues(command: LedgerImportInput): RowIssue[] {
  try {
    parseCommandPayload('ledger.importProject', command);
    return [];
  } catch (refusal) {
    if (!(refusal instanceof DomainError)) throw refusal;
    const fieldErrors = refusal.fieldErrors.length > 0 ? refusal.fieldErrors : [{ path: '', messageKey: refusal.messageKey, params: refusal.params }];
    return fieldErrors.map((fieldError) => rowError(fieldOfPath(fieldError.path), fieldError.messageKey, { ...(fieldError.params ?? {}), path: fieldError.path }));
  }
}
