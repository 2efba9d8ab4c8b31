/**
 * Messages are split by area (board.ts, project.ts, errors.ts, …) under locales/<locale>/ so that
 * each feature owns its file; ./zh-CN.ts and ./en.ts merge them. zh-CN is the default and ships in
 * the first load; English (with Element Plus' English texts) is a chunk of its own, loaded by
 * `loadLocale` when it is chosen. Every file exports `default` an object; the top-level keys of all
 * files of a locale must not clash. Tests that need every locale at once import ./messages.
 *
 * The areas of PAGE_AREAS are shown only by pages other than the board (the meeting, the plan, my
 * bank, the ledger import, administration, the inbox, the scorecard) and by the board's project
 * drawer: they are left out of the first load, in a chunk per language (./zh-CN.pages,
 * ./en.pages), merged in by `installPageMessages` before such a page (or the drawer) opens and
 * after the board's first paint. The globs of those four files name the same areas.
 *
 * The build precompiles the message files (@intlify/unplugin-vue-i18n, see vite.config.ts), so the
 * app ships vue-i18n's runtime-only build: no message compiler, nothing evaluated from a string.
 * Tests import the files as they are and vue-i18n's full build compiles them.
 */
import { markRaw } from 'vue';
import { createI18n, type Composer } from 'vue-i18n';
import type { MessageTree } from './messageTree';
import * as zhCN from './zh-CN';

export type { MessageTree } from './messageTree';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Top-level message keys (one file each under locales/<locale>/) only pages other than the board show. */
/**
 * `project`, `followUp` and `scorecard` too: the board shows none of their texts before a drawer or
 * another page opens (the drawer waits for them, see withPageMessages); the header's navigation
 * and inbox count read theirs from `app.nav`.
 */
export const PAGE_AREAS = ['admin', 'bank', 'charts', 'followUp', 'ledger', 'meeting', 'plan', 'project', 'scorecard'] as const;

/** A locale's texts: the app's messages and Element Plus' own. */
export interface LocaleBundle {
  messages: MessageTree;
  /** Element Plus' texts (for `el-config-provider`); every language has zh-CN's shape. */
  elementPlus: typeof zhCN.elementPlus;
}

type LocaleComposer = Pick<Composer, 'availableLocales' | 'setLocaleMessage' | 'getLocaleMessage'>;

/**
 * vue-i18n keeps the messages in a deep ref: every text a component translates would then track
 * each node of the message's precompiled tree (a dependency and a link per node and per render
 * effect, about 100 per board card). The texts never change in place, so each locale's tree is
 * kept raw and replaced whole when areas are added: one dependency per locale.
 */
function rawTree(messages: MessageTree): MessageTree {
  return markRaw(messages);
}

const LOADERS: Record<Locale, () => Promise<LocaleBundle>> = {
  'zh-CN': () => Promise.resolve(zhCN),
  en: () => import('./en'),
};
const PAGE_LOADERS: Record<Locale, () => Promise<{ messages: MessageTree }>> = {
  'zh-CN': () => import('./zh-CN.pages'),
  en: () => import('./en.pages'),
};

/** Fetches once per locale; a failed fetch is forgotten, so a later call tries again. */
function fetchedOnce<T>(loaders: Record<Locale, () => Promise<T>>): (locale: Locale) => Promise<T> {
  const loading = new Map<Locale, Promise<T>>();
  return (locale) => {
    let result = loading.get(locale);
    if (!result) {
      result = loaders[locale]().catch((error: unknown) => {
        loading.delete(locale);
        throw error;
      });
      loading.set(locale, result);
    }
    return result;
  };
}

/** The texts of a locale, fetched once (English is a chunk of its own). */
export const loadLocale = fetchedOnce(LOADERS);
const loadPageMessages = fetchedOnce(PAGE_LOADERS);

/** Per composer that wants the pages' areas: the merge of each locale, done or under way. */
const pageMerges = new WeakMap<LocaleComposer, Map<Locale, Promise<void>>>();

function mergePageMessages(composer: LocaleComposer, locale: Locale): Promise<void> {
  const merges = pageMerges.get(composer);
  if (!merges) return Promise.resolve();
  let merge = merges.get(locale);
  if (!merge) {
    merge = loadPageMessages(locale).then(
      // The areas never clash (one file per top-level key), so a shallow merge is the whole merge.
      ({ messages }) => composer.setLocaleMessage(locale, rawTree({ ...(composer.getLocaleMessage(locale) as MessageTree), ...messages })),
      (error: unknown) => {
        merges.delete(locale);
        throw error;
      },
    );
    merges.set(locale, merge);
  }
  return merge;
}

function isLocale(locale: string): locale is Locale {
  return (LOCALES as readonly string[]).includes(locale);
}

/**
 * Adds the pages' areas (PAGE_AREAS) to every locale loaded into vue-i18n, and from then on to each
 * locale `installLocale` loads. Resolves once they are there; calling it again costs nothing.
 */
export async function installPageMessages(composer: LocaleComposer): Promise<void> {
  if (!pageMerges.has(composer)) pageMerges.set(composer, new Map());
  await Promise.all(composer.availableLocales.filter(isLocale).map((locale) => mergePageMessages(composer, locale)));
}

let appComposer: LocaleComposer | null = null;

/** main.ts: the app's composer, the one `withPageMessages` adds the pages' areas to. */
export function setAppComposer(composer: LocaleComposer): void {
  appComposer = composer;
}

/**
 * A loader that also waits for the pages' areas, for a component the board opens itself (the
 * project drawer: no route guard waits for its texts). Without an app composer (component tests,
 * which have every text) it only loads.
 */
export function withPageMessages<T>(load: () => Promise<T>): () => Promise<T> {
  return async () => {
    const [loaded] = await Promise.all([load(), appComposer ? installPageMessages(appComposer) : undefined]);
    return loaded;
  };
}

/**
 * Loads a locale's texts into vue-i18n (once) and returns them; switch `locale` only after it
 * resolves, or the page shows the fallback language for a moment. Once the pages' areas are
 * wanted (`installPageMessages`), it waits for the locale's share of them too.
 */
export async function installLocale(composer: LocaleComposer, locale: Locale): Promise<LocaleBundle> {
  const bundle = await loadLocale(locale);
  if (!composer.availableLocales.includes(locale)) composer.setLocaleMessage(locale, rawTree({ ...bundle.messages }));
  await mergePageMessages(composer, locale);
  return bundle;
}

const STORAGE_KEY = 'clearway.locale';

export function initialLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export function rememberLocale(locale: Locale): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, locale);
}

/**
 * zh-CN's first-load messages are always there; `preloaded` adds others or replaces them (tests
 * pass ./messages, every area of both locales). Starting in a locale not loaded yet shows zh-CN
 * until `installLocale` has fetched it.
 */
export function createAppI18n(locale: Locale = initialLocale(), preloaded: Partial<Record<Locale, MessageTree>> = {}) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: Object.fromEntries(Object.entries({ 'zh-CN': zhCN.messages, ...preloaded }).map(([locale, tree]) => [locale, rawTree({ ...tree })])),
    missingWarn: false,
    fallbackWarn: false,
  });
}
