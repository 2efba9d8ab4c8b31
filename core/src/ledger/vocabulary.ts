/**
 * The bureau's own words, as editable synonym tables: bank abbreviations (工行, 农发行, 国开行,
 * 邮储 …) to the bank names of the workspace, stage words (已审批未投放, 部分投放, 尽调中 …) to the
 * board's stages or off-flow flags, short district names to districts, and problem keywords to
 * blocker tags. The defaults below are a starting point a person edits on the import page.
 */
import type { Bank, BlockerTag, OffFlowFlag, StageId } from '../types';
import { compactText } from './values';

export type StageWord = StageId | `flag:${OffFlowFlag}`;

export interface LedgerVocabulary {
  /** alias → bank name as the workspace spells it. */
  banks: Record<string, string>;
  /** the ledger's word → stage or off-flow flag. */
  stages: Record<string, StageWord>;
  /** alias → district name; districts named exactly need no entry. */
  districts: Record<string, string>;
  /** Districts the workspace knows beyond those its projects already name. */
  knownDistricts: string[];
  /** keyword found in a problem's text → the blocker tag it gets (first match wins). */
  blockerTags: Record<string, BlockerTag>;
}

export const DEFAULT_VOCABULARY: LedgerVocabulary = {
  banks: {
    工行: '工商银行',
    中国工商银行: '工商银行',
    农行: '农业银行',
    中国农业银行: '农业银行',
    中行: '中国银行',
    建行: '建设银行',
    中国建设银行: '建设银行',
    交行: '交通银行',
    邮储: '邮储银行',
    邮储行: '邮储银行',
    邮政储蓄银行: '邮储银行',
    中国邮政储蓄银行: '邮储银行',
    国开行: '国家开发银行',
    国开: '国家开发银行',
    开发银行: '国家开发银行',
    农发行: '农业发展银行',
    农发: '农业发展银行',
    中国农业发展银行: '农业发展银行',
    光大: '光大银行',
    中国光大银行: '光大银行',
    华夏: '华夏银行',
    富滇: '富滇银行',
    红塔: '红塔银行',
    农商行: '昭通农商行',
    昭通农村商业银行: '昭通农商行',
  },
  stages: {
    储备: 'pipeline',
    储备谋划: 'pipeline',
    谋划: 'pipeline',
    前期谋划: 'pipeline',
    推介对接: 'matched',
    对接中: 'matched',
    已对接: 'matched',
    已推介: 'matched',
    尽调中: 'diligence',
    尽职调查: 'diligence',
    调查评估: 'diligence',
    调查中: 'diligence',
    评估中: 'diligence',
    审批中: 'approval',
    上报审批: 'approval',
    待审批: 'approval',
    已上会: 'approval',
    已审批: 'approved',
    已审批未投放: 'approved',
    已审批待投放: 'approved',
    已批复: 'approved',
    已批未贷: 'approved',
    部分投放: 'disbursing',
    投放中: 'disbursing',
    已部分投放: 'disbursing',
    已投放: 'disbursed',
    全部投放: 'disbursed',
    已全额投放: 'disbursed',
    投放完毕: 'disbursed',
    暂缓: 'flag:suspended',
    退出: 'flag:withdrawn',
    已退出: 'flag:withdrawn',
    被否: 'flag:rejected',
    否决: 'flag:rejected',
  },
  districts: {},
  knownDistricts: [],
  blockerTags: {
    资本金: 'equity',
    抵押: 'credit',
    担保: 'credit',
    增信: 'credit',
    还款: 'repayment',
    现金流: 'repayment',
    负债: 'borrower',
    征信: 'borrower',
    隐性债务: 'borrower',
    规模: 'bank',
    上级行: 'bank',
    授信: 'bank',
    放款: 'drawdown',
    提款: 'drawdown',
    合同: 'drawdown',
    征拆: 'government',
    征地: 'government',
    拆迁: 'government',
    配套资金: 'government',
    立项: 'permits',
    可研: 'permits',
    用地: 'permits',
    规划: 'permits',
    环评: 'permits',
    施工许可: 'permits',
    手续: 'permits',
    延期: 'demand',
    其他渠道: 'demand',
  },
};

/** The lookup tables built once per preview, from the vocabulary and the workspace. */
export interface Resolver {
  bankId(text: string): string | null;
  stage(text: string): { stage: StageId | null; flag: OffFlowFlag | null } | null;
  district(text: string): string | null;
  blockerTag(text: string): BlockerTag;
}

function key(text: string): string {
  return compactText(text).toLowerCase();
}

/** 中国工商银行昭通分行 → 工商银行昭通分行 → 工商银行: the names a bank's branch goes by. */
function bankNameCandidates(text: string): string[] {
  const compact = compactText(text);
  const candidates = [compact];
  const branchless = compact.replace(/(股份有限公司|有限责任公司|有限公司)/g, '').replace(/[^银行]*?(分行|支行|营业部)$/, '');
  const bankPart = /^(.*?(?:银行|农商行|信用社|证券|保险|财险))/.exec(branchless)?.[1];
  for (const candidate of [branchless, bankPart, branchless.replace(/^中国/, ''), bankPart?.replace(/^中国/, '')]) {
    if (candidate && !candidates.includes(candidate)) candidates.push(candidate);
  }
  return candidates;
}

export function buildResolver(vocabulary: LedgerVocabulary, banks: readonly Bank[], workspaceDistricts: readonly string[]): Resolver {
  const bankByName = new Map<string, string>();
  for (const bank of banks) {
    bankByName.set(key(bank.name), bank.id);
    bankByName.set(key(bank.id), bank.id);
  }
  for (const [alias, name] of Object.entries(vocabulary.banks)) {
    const id = bankByName.get(key(name));
    if (id && !bankByName.has(key(alias))) bankByName.set(key(alias), id);
  }
  const stageByWord = new Map<string, StageWord>(Object.entries(vocabulary.stages).map(([word, stage]) => [key(word), stage]));
  const districts = new Map<string, string>();
  for (const name of [...workspaceDistricts, ...vocabulary.knownDistricts]) {
    if (name.trim()) districts.set(key(name), name.trim());
  }
  for (const [alias, name] of Object.entries(vocabulary.districts)) districts.set(key(alias), name);
  const tagWords = Object.entries(vocabulary.blockerTags);

  function stageWord(word: string): StageWord | null {
    return stageByWord.get(key(word)) ?? null;
  }

  return {
    bankId(text) {
      for (const candidate of bankNameCandidates(text)) {
        const id = bankByName.get(key(candidate));
        if (id) return id;
      }
      return null;
    },
    stage(text) {
      // 已审批待投放（暂缓）: a stage with an off-flow flag, as the export writes it.
      const match = /^(.*?)[(（](.+)[)）]$/.exec(compactText(text));
      const parts = match ? [match[1]!, match[2]!] : [compactText(text)];
      let stage: StageId | null = null;
      let flag: OffFlowFlag | null = null;
      for (const part of parts) {
        const word = stageWord(part);
        if (!word) return null;
        if (word.startsWith('flag:')) flag = word.slice(5) as OffFlowFlag;
        else stage = word as StageId;
      }
      return { stage, flag };
    },
    district(text) {
      const k = key(text);
      if (!k) return null;
      const exact = districts.get(k);
      if (exact) return exact;
      // 昭阳 for 昭阳区, 水富 for 水富市: a short form that names exactly one district.
      const matches = [...new Set([...districts.entries()].filter(([name]) => name.startsWith(k) && name.length === k.length + 1 && /[区县市旗]$/.test(name)).map(([, name]) => name))];
      return matches.length === 1 ? matches[0]! : null;
    },
    blockerTag(text) {
      const compact = compactText(text);
      for (const [word, tag] of tagWords) if (compact.includes(word)) return tag;
      return 'government';
    },
  };
}
