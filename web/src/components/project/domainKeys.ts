/**
 * The i18n keys of domain labels (stages, tags, statuses …) kept in `locales/<locale>/domain.ts`.
 * The project components build every label key here, so a renamed key is one edit.
 */
export const domainKey = {
  stage: (id: string) => `domain.stage.${id}`,
  flag: (id: string) => `domain.flag.${id}`,
  ownerType: (id: string) => `domain.ownerType.${id}`,
  source: (id: string) => `domain.source.${id}`,
  buildStatus: (id: string) => `domain.buildStatus.${id}`,
  prereq: (id: string) => `domain.prerequisite.${id}`,
  prereqStatus: (id: string) => `domain.prereqStatus.${id}`,
  blockerTag: (id: string) => `domain.blockerTag.${id}`,
  product: (id: string) => `domain.loanProduct.${id}`,
  lineStatus: (id: string) => `domain.lineStatus.${id}`,
  clearanceStatus: (id: string) => `domain.clearanceStatus.${id}`,
  stallRule: (id: string) => `domain.stallRule.${id}`,
  role: (id: string) => `domain.role.${id}`,
} as const;
