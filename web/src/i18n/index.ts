/**
 * Messages are split by area (board.ts, project.ts, errors.ts, …) under locales/<locale>/ so that
 * each feature owns its file; ./zh-CN.ts and ./en.ts merge them. zh-CN is the default and ships in
 * the first load; English (with Element Plus' English texts) is a chunk of its own, loaded by
 * `loadLocale` when it is chosen. Every file exports `default` an object; the top-level keys of all
 * files of a locale must not clash. Tests that need every locale at once import ./messages.
 *
 * The build precompiles the message files (@intlify/unplugin-vue-i18n, see vite.config.ts), so the
 * app ships vue-i18n's runtime-only build: no message compiler, nothing evaluated from a string.
 * Tests import the files as they are and vue-i18n's full build compiles them.
 */
import { createI18n, type Composer } from 'vue-i18n';
import type { MessageTree } from './messageTree';
import * as zhCN from './zh-CN';

export type { MessageTree } from './messageTree';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** A locale's texts: the app's messages and Element Plus' own. */
export interface LocaleBundle {
  messages: MessageTree;
  /** Element Plus' texts (for `el-config-provider`); every language has zh-CN's shape. */
  elementPlus: typeof zhCN.elementPlus;
}

const LOADERS: Record<Locale, () => Promise<LocaleBundle>> = {
  'zh-CN': () => Promise.resolve(zhCN),
  en: () => import('./en'),
};
const loading = new Map<Locale, Promise<LocaleBundle>>();

/** The texts of a locale, fetched once (English is a chunk of its own). */
export function loadLocale(locale: Locale): Promise<LocaleBundle> {
  let bundle = loading.get(locale);
  if (!bundle) {
    bundle = LOADERS[locale]().catch((error: unknown) => {
      loading.delete(locale); // a later switch tries again
      throw error;
    });
    loading.set(locale, bundle);
  }
  return bundle;
}

/**
 * Loads a locale's texts into vue-i18n (once) and returns them; switch `locale` only after it
 * resolves, or the page shows the fallback language for a moment.
 */
export async function installLocale(composer: Pick<Composer, 'availableLocales' | 'setLocaleMessage'>, locale: Locale): Promise<LocaleBundle> {
  const bundle = await loadLocale(locale);
  if (!composer.availableLocales.includes(locale)) composer.setLocaleMessage(locale, bundle.messages);
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
 * zh-CN's messages are always there; `preloaded` adds others (tests pass ./messages). Starting in
 * a locale not loaded yet shows zh-CN until `installLocale` has fetched it.
 */
export function createAppI18n(locale: Locale = initialLocale(), preloaded: Partial<Record<Locale, MessageTree>> = {}) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages: { ...preloaded, 'zh-CN': zhCN.messages },
    missingWarn: false,
    fallbackWarn: false,
  });
}
