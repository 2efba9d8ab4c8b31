/** Builders and mounting helpers for the board's component and store tests. */
import ElementPlus from 'element-plus';
import { boardCardOf, emptyClearance, emptyStall, type BoardCard, type ClearanceSummary, type Project, type StallSummary } from '@clearway/core';
// Core's builders are not part of the package; web tests share them by path rather than keep a copy.
import { makeProject as makeCoreProject } from '@clearway/core/testing';
import { createAppI18n, type Locale } from '@/i18n';
import { messages } from '@/i18n/messages';

export const T0 = '2026-03-02T02:00:00.000Z';

export type ProjectOverrides = Omit<Partial<Project>, 'clearance' | 'stall'> & {
  clearance?: Partial<ClearanceSummary>;
  stall?: Partial<StallSummary>;
};

/** Core's rule-test project, in 昭阳区 and at this file's T0, with partial clearance and stall. */
export function makeProject(overrides: ProjectOverrides = {}): Project {
  const { clearance, stall, ...rest } = overrides;
  return makeCoreProject({
    district: '昭阳区',
    stageEnteredAt: T0,
    createdAt: T0,
    updatedAt: T0,
    updatedBy: 'u-staff',
    ...rest,
    clearance: { ...emptyClearance(), need: rest.needTotal ?? 300_000_000, ...clearance },
    stall: { ...emptyStall(T0), ...stall },
  });
}

/** The plugins a leaf component needs: messages and Element Plus (the app resolves it per component). */
export function testPlugins(locale: Locale = 'zh-CN') {
  return [createAppI18n(locale, messages), ElementPlus];
}

/** A project's board card (what the board's components take), from the same overrides. */
export function makeCard(overrides: ProjectOverrides = {}): BoardCard {
  return boardCardOf(makeProject(overrides));
}
