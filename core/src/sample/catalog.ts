/**
 * The fixed vocabulary of the sample city: its districts, banks, sectors, owners and people.
 * The city is modelled on a prefecture-level city in north-east Yunnan; every company, person and
 * document number below is made up.
 */
import type { Bank, BlockerTag, LoanProduct, OwnerType } from '../types';

export const CITY = '昭通市';
const YI = 100_000_000;

export interface District {
  name: string;
  /** Short form for project names, e.g. 鲁甸. */
  short: string;
  /** Administrative division code, used in credit codes and permit numbers. */
  code: string;
}

export const DISTRICTS: readonly District[] = [
  { name: '昭阳区', short: '昭阳', code: '530602' },
  { name: '鲁甸县', short: '鲁甸', code: '530621' },
  { name: '巧家县', short: '巧家', code: '530622' },
  { name: '盐津县', short: '盐津', code: '530623' },
  { name: '大关县', short: '大关', code: '530624' },
  { name: '永善县', short: '永善', code: '530625' },
  { name: '绥江县', short: '绥江', code: '530626' },
  { name: '镇雄县', short: '镇雄', code: '530627' },
  { name: '彝良县', short: '彝良', code: '530628' },
  { name: '威信县', short: '威信', code: '530629' },
  { name: '水富市', short: '水富', code: '530681' },
];

/** Bank ids are stable and readable: tests, the identity switcher and URLs refer to them. */
export const SAMPLE_BANKS: readonly Bank[] = [
  { id: 'icbc', name: '工商银行', category: 'stateLarge', agreementAmount: 300 * YI },
  { id: 'abc', name: '农业银行', category: 'stateLarge', agreementAmount: 260 * YI },
  { id: 'boc', name: '中国银行', category: 'stateLarge', agreementAmount: 150 * YI },
  { id: 'ccb', name: '建设银行', category: 'stateLarge', agreementAmount: 280 * YI },
  { id: 'bocom', name: '交通银行', category: 'stateLarge', agreementAmount: 100 * YI },
  { id: 'psbc', name: '邮储银行', category: 'stateLarge', agreementAmount: 80 * YI },
  { id: 'cdb', name: '国家开发银行', category: 'policy', agreementAmount: 500 * YI },
  { id: 'adbc', name: '农业发展银行', category: 'policy', agreementAmount: 350 * YI },
  { id: 'ceb', name: '光大银行', category: 'jointStock', agreementAmount: 120 * YI },
  { id: 'hxb', name: '华夏银行', category: 'jointStock', agreementAmount: 100 * YI },
  { id: 'fudian', name: '富滇银行', category: 'cityCommercial', agreementAmount: 150 * YI },
  { id: 'hongta', name: '红塔银行', category: 'cityCommercial', agreementAmount: 60 * YI },
  { id: 'ztrcb', name: '昭通农商行', category: 'rural', agreementAmount: 90 * YI },
  { id: 'zyvb', name: '昭阳富滇村镇银行', category: 'village', agreementAmount: 5 * YI },
  { id: 'picc', name: '人保财险', category: 'insurer', agreementAmount: 20 * YI },
  { id: 'chinastock', name: '银河证券', category: 'securities', agreementAmount: 50 * YI },
  { id: 'ebscn', name: '光大证券', category: 'securities', agreementAmount: 40 * YI },
  { id: 'hczq', name: '华创证券', category: 'securities', agreementAmount: 30 * YI },
];

/** Banks that lend (lead-bank candidates); insurers and securities firms only join as extra lines. */
export const LENDING_BANK_IDS = SAMPLE_BANKS.filter((bank) => !['insurer', 'securities'].includes(bank.category)).map(
  (bank) => bank.id,
);
export const SECURITIES_BANK_IDS = SAMPLE_BANKS.filter((bank) => bank.category === 'securities').map((bank) => bank.id);

export function bankName(bankId: string): string {
  return SAMPLE_BANKS.find((bank) => bank.id === bankId)?.name ?? bankId;
}

export interface Sector {
  name: string;
  /** Project name endings, appended to the district short name. */
  templates: readonly string[];
  /** The city department that follows the sector. */
  department: string;
  ownerTypes: readonly OwnerType[];
  /** Banks that favour the sector (policy lenders for water and farming, etc.). */
  preferredBanks: readonly string[];
  products: readonly LoanProduct[];
  /** Need range in 万元. */
  needWan: readonly [number, number];
}

export const SECTORS: readonly Sector[] = [
  {
    name: '交通',
    templates: ['城乡公路提质改造工程', '高速公路连接线工程', '综合客运枢纽建设项目', '农村公路安全生命防护工程', '物流通道改扩建工程'],
    department: '市交通运输局',
    ownerTypes: ['soe', 'platform'],
    preferredBanks: ['cdb', 'icbc', 'ccb', 'bocom'],
    products: ['projectLoan'],
    needWan: [20_000, 300_000],
  },
  {
    name: '水利',
    templates: ['城乡供水一体化工程', '中型水库建设项目', '灌区续建配套与节水改造工程', '河道综合治理工程', '水系连通及水美乡村建设项目'],
    department: '市水务局',
    ownerTypes: ['platform', 'soe'],
    preferredBanks: ['adbc', 'cdb', 'abc'],
    products: ['projectLoan'],
    needWan: [8_000, 150_000],
  },
  {
    name: '能源',
    templates: ['光伏发电项目', '风电场建设项目', '天然气支线管道工程', '新型储能电站项目', '农村电网巩固提升工程'],
    department: '市能源局',
    ownerTypes: ['soe', 'private'],
    preferredBanks: ['ccb', 'boc', 'icbc', 'ceb'],
    products: ['projectLoan', 'workingCapital'],
    needWan: [10_000, 200_000],
  },
  {
    name: '园区基础设施',
    templates: ['工业园区标准厂房建设项目', '产业园区基础设施配套工程', '物流园区建设项目', '绿色铝产业园配套工程'],
    department: '市工业和信息化局',
    ownerTypes: ['platform', 'soe'],
    preferredBanks: ['cdb', 'icbc', 'hxb', 'fudian'],
    products: ['projectLoan', 'bond'],
    needWan: [10_000, 120_000],
  },
  {
    name: '城市更新',
    templates: ['老旧小区改造项目', '城中村改造项目', '地下综合管廊工程', '保障性租赁住房项目', '污水管网及雨污分流改造工程'],
    department: '市住房和城乡建设局',
    ownerTypes: ['platform'],
    preferredBanks: ['cdb', 'ccb', 'bocom', 'hxb'],
    products: ['projectLoan', 'bond'],
    needWan: [5_000, 100_000],
  },
  {
    name: '教育',
    templates: ['职业教育中心扩建项目', '第一中学新校区建设项目', '义务教育学校建设项目', '高级中学学生公寓建设项目'],
    department: '市教育体育局',
    ownerTypes: ['platform'],
    preferredBanks: ['boc', 'abc', 'ztrcb', 'hongta'],
    products: ['projectLoan'],
    needWan: [2_000, 40_000],
  },
  {
    name: '医疗',
    templates: ['人民医院综合楼建设项目', '中医医院迁建项目', '疾病预防控制中心建设项目', '妇幼保健院建设项目'],
    department: '市卫生健康委员会',
    ownerTypes: ['platform'],
    preferredBanks: ['icbc', 'ccb', 'ceb', 'fudian'],
    products: ['projectLoan'],
    needWan: [3_000, 60_000],
  },
  {
    name: '农业产业化',
    templates: ['高原特色苹果产业园项目', '天麻产业基地建设项目', '马铃薯精深加工项目', '竹产业加工园区项目', '高标准农田建设项目', '冷链物流中心建设项目'],
    department: '市农业农村局',
    ownerTypes: ['private', 'soe', 'platform'],
    preferredBanks: ['adbc', 'abc', 'ztrcb', 'psbc', 'zyvb'],
    products: ['projectLoan', 'guaranteed', 'workingCapital'],
    needWan: [2_000, 30_000],
  },
  {
    name: '文化旅游',
    templates: ['旅游景区提升工程', '历史文化街区保护利用项目', '全域旅游集散中心建设项目'],
    department: '市文化和旅游局',
    ownerTypes: ['soe', 'private', 'platform'],
    preferredBanks: ['hongta', 'fudian', 'ceb', 'hxb'],
    products: ['projectLoan'],
    needWan: [3_000, 50_000],
  },
  {
    name: '生态环保',
    templates: ['污水处理厂提标改造工程', '生活垃圾焚烧发电项目', '矿山生态修复工程', '农村人居环境整治项目'],
    department: '市生态环境局',
    ownerTypes: ['platform', 'soe'],
    preferredBanks: ['cdb', 'adbc', 'boc', 'ceb'],
    products: ['projectLoan'],
    needWan: [3_000, 80_000],
  },
];

/** Owner names by type; `{d}` is replaced by the district short name. */
export const OWNER_PATTERNS: Record<OwnerType, readonly string[]> = {
  platform: [
    '{d}城市建设投资开发有限公司',
    '{d}国有资本投资运营有限公司',
    '{d}城乡建设发展集团有限公司',
    '{d}水务投资有限公司',
    '{d}交通建设投资有限公司',
  ],
  soe: [
    '昭通市交通投资集团有限公司',
    '昭通市水务产业投资集团有限公司',
    '昭通市能源投资有限公司',
    '昭通市文化旅游投资集团有限公司',
    '昭通市产业发展投资集团有限公司',
    '昭通市农业投资开发有限公司',
  ],
  private: [
    '云南乌蒙{d}农业科技有限公司',
    '昭通金沙{d}新能源有限公司',
    '云南高原{d}食品有限公司',
    '昭通绿源{d}生态农业开发有限公司',
    '云南龙腾{d}实业有限公司',
  ],
};

export const SURNAMES = '王李张刘陈杨赵黄周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许邓冯韩曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武';
export const GIVEN_NAMES = [
  '建华', '志强', '丽娟', '国庆', '文军', '海燕', '永明', '晓东', '春梅', '德兵', '红艳', '学军', '云峰', '光明', '玉兰',
  '俊杰', '雪梅', '立新', '敏', '刚', '伟', '静', '磊', '洋', '燕', '勇', '军', '平', '华', '婷',
];

/** Who must act for each blocker tag, with a few typical descriptions. `{bank}` is the lead bank. */
export const BLOCKER_TEMPLATES: Record<BlockerTag, { parties: readonly string[]; descriptions: readonly string[] }> = {
  permits: {
    parties: ['市发展和改革委员会', '市自然资源和规划局', '市生态环境局', '市住房和城乡建设局'],
    descriptions: ['可研批复未取得，需补充专家评审意见', '用地预审手续未办结', '环评批复待市生态环境局审查', '施工许可证尚未核发', '节能审查意见待出具'],
  },
  equity: {
    parties: ['项目业主', '县区财政局', '市财政局'],
    descriptions: ['项目资本金未足额到位，到位比例不足20%', '资本金来源合规性待银行认定', '专项债资本金拨付滞后'],
  },
  credit: {
    parties: ['项目业主', '市融资担保公司', '县区人民政府'],
    descriptions: ['抵押物评估价值不足，需追加担保', '土地权属存在瑕疵，抵押登记无法办理', '需引入政府性融资担保公司提供担保'],
  },
  repayment: {
    parties: ['项目业主', '市财政局'],
    descriptions: ['项目自身现金流不足以覆盖本息，需补充还款来源', '还款来源依赖财政预算安排，银行不予认可'],
  },
  borrower: {
    parties: ['项目业主', '县区人民政府'],
    descriptions: ['借款主体资产负债率偏高', '主体征信存在关注类记录', '主体财务报表审计意见待出具'],
  },
  bank: {
    parties: ['{bank}'],
    descriptions: ['审批权限在省分行，上报后暂无反馈', '信贷规模紧张，投放额度待总行调剂', '行业授信政策收紧，需调整贷款期限与利率'],
  },
  drawdown: {
    parties: ['{bank}', '项目业主'],
    descriptions: ['借款合同待签订', '放款前提条件未落实完毕', '项目尚未开工，受托支付对象未确定', '受托支付资料不全'],
  },
  demand: {
    parties: ['项目业主', '县区发展和改革局'],
    descriptions: ['项目建设计划推迟，融资需求后移', '已通过专项债解决部分资金，融资需求调减'],
  },
  government: {
    parties: ['县区人民政府', '市自然资源和规划局', '市财政局'],
    descriptions: ['征地拆迁未完成，影响开工', '部门审批事项需市级协调', '配套资金未落实'],
  },
};

export const RESOLUTIONS = [
  '经市政府专题会协调已解决',
  '业主已补齐资料，银行已确认',
  '相关部门已出具批复',
  '经银企座谈会协调落实',
];

export const ACTION_PLANS = [
  '1. 市金融办牵头，每半月召开一次银企对接会；2. {unit}督促业主补齐要件；3. {bank}开辟绿色审批通道，力争{month}实现投放。',
  '1. {unit}牵头协调用地和规划手续；2. 业主加快资本金到位；3. {bank}提前开展尽职调查，同步推进授信审批。',
  '1. 落实“一项一策”，由{person}负责跟踪；2. {bank}向上级行争取信贷规模；3. 每月调度会通报进度。',
  '1. 引入政府性融资担保基金增信；2. {unit}协调抵押登记；3. 力争{month}前签订借款合同。',
];

export const ASSIGNMENT_TEMPLATES = [
  '督促{bank}尽快完成授信审批',
  '协调解决项目用地手续',
  '落实项目资本金并提供到位证明',
  '组织银企座谈，明确放款前提条件',
  '报送项目融资需求清单',
];
