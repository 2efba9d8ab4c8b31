/**
 * Core writes the 调度表 workbook in Chinese with its own copy of the domain words (core cannot
 * import the web app's message files). This keeps the two copies the same word for word.
 */
import { describe, expect, it } from 'vitest';
import zhDomain from './locales/zh-CN/domain';
import {
  BANK_CATEGORY_ZH,
  BLOCKER_TAG_ZH,
  CLEARANCE_STATUS_ZH,
  FLAG_ZH,
  STAGE_ZH,
  STALL_RULE_ZH,
} from '../../../core/src/meeting/labels.zh';

const { domain } = zhDomain;

describe('workbook labels (core) and zh-CN domain messages (web)', () => {
  it.each([
    ['stage', STAGE_ZH, domain.stage],
    ['flag', FLAG_ZH, domain.flag],
    ['clearanceStatus', CLEARANCE_STATUS_ZH, domain.clearanceStatus],
    ['blockerTag', BLOCKER_TAG_ZH, domain.blockerTag],
    ['bankCategory', BANK_CATEGORY_ZH, domain.bankCategory],
    ['stallRule', STALL_RULE_ZH, domain.stallRule],
  ] as const)('domain.%s says the same as the workbook', (_name, core, web) => {
    expect(core).toEqual(web);
  });
});
