/**
 * The board filters live in the URL (`?district=…&bank=…&sector=…&stalled=1&blocked=1&q=…`), so a
 * filtered board can be bookmarked, shared and reloaded. Other query params (e.g. `project`, the
 * open drawer) are kept untouched.
 */
import { computed } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import type { BoardCard } from '@clearway/core';

export interface BoardFilterState {
  district: string | null;
  bankId: string | null;
  sector: string | null;
  stalledOnly: boolean;
  blockedOnly: boolean;
  text: string;
}

export const FILTER_QUERY_KEYS = ['district', 'bank', 'sector', 'stalled', 'blocked', 'q'] as const;

export function emptyFilters(): BoardFilterState {
  return { district: null, bankId: null, sector: null, stalledOnly: false, blockedOnly: false, text: '' };
}

function single(value: LocationQuery[string] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first : null;
}

export function filtersFromQuery(query: LocationQuery): BoardFilterState {
  return {
    district: single(query.district),
    bankId: single(query.bank),
    sector: single(query.sector),
    stalledOnly: single(query.stalled) === '1',
    blockedOnly: single(query.blocked) === '1',
    text: single(query.q) ?? '',
  };
}

/** `base` with the filter params replaced by `filters` (empty filters are left out). */
export function filtersToQuery(filters: BoardFilterState, base: LocationQuery = {}): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  for (const [key, value] of Object.entries(base)) {
    if (!(FILTER_QUERY_KEYS as readonly string[]).includes(key)) query[key] = value;
  }
  if (filters.district) query.district = filters.district;
  if (filters.bankId) query.bank = filters.bankId;
  if (filters.sector) query.sector = filters.sector;
  if (filters.stalledOnly) query.stalled = '1';
  if (filters.blockedOnly) query.blocked = '1';
  if (filters.text.trim()) query.q = filters.text;
  return query;
}

export function hasActiveFilters(filters: BoardFilterState): boolean {
  return Boolean(
    filters.district || filters.bankId || filters.sector || filters.stalledOnly || filters.blockedOnly || filters.text.trim(),
  );
}

/** What the filters read of a project: a board card, or a whole project. */
export type FilterableProject = Omit<BoardCard, 'lineCount'>;

/** A predicate for one filter state; the text matches name, owner, district, sector and responsible unit. */
export function projectMatcher(filters: BoardFilterState): (project: FilterableProject) => boolean {
  const text = filters.text.trim().toLowerCase();
  return (project) => {
    if (filters.district && project.district !== filters.district) return false;
    if (filters.sector && project.sector !== filters.sector) return false;
    if (filters.bankId && project.leadBankId !== filters.bankId && !project.bankIds.includes(filters.bankId)) return false;
    if (filters.stalledOnly && !project.stall.stalled) return false;
    if (filters.blockedOnly && project.clearance.status !== 'blocked' && project.clearance.openBlockers.length === 0) {
      return false;
    }
    if (text) {
      const haystack = `${project.name} ${project.owner.name} ${project.district} ${project.sector} ${project.responsibleUnit} ${project.responsiblePerson}`;
      if (!haystack.toLowerCase().includes(text)) return false;
    }
    return true;
  };
}

export function useBoardFilters() {
  const route = useRoute();
  const router = useRouter();
  const filters = computed(() => filtersFromQuery(route.query));
  const active = computed(() => hasActiveFilters(filters.value));

  async function setFilters(next: BoardFilterState): Promise<void> {
    await router.replace({ query: filtersToQuery(next, route.query) });
  }

  function clearFilters(): Promise<void> {
    return setFilters(emptyFilters());
  }

  return { filters, active, setFilters, clearFilters };
}
