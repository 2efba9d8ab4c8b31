/**
 * Messages are split by area (board.ts, project.ts, errors.ts, …) under locales/<locale>/ so that
 * each feature owns its file; this module merges them. zh-CN is the default, en the second.
 * Every file exports `default` an object; the top-level keys of all files of a locale must not clash.
 */
import { createI18n } from 'vue-i18n';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type MessageTree = { [key: string]: string | MessageTree };

function merge(modules: Record<string, { default: MessageTree }>): MessageTree {
  const out: MessageTree = {};
  for (const mod of Object.values(modules)) Object.assign(out, mod.default);
  return out;
}

export const messages: Record<Locale, MessageTree> = {
  'zh-CN': merge(import.meta.glob<{ default: MessageTree }>('./locales/zh-CN/*.ts', { eager: true })),
  en: merge(import.meta.glob<{ default: MessageTree }>('./locales/en/*.ts', { eager: true })),
};

const STORAGE_KEY = 'clearway.locale';

export function initialLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN';
}

export function rememberLocale(locale: Locale): void {
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, locale);
}

export function createAppI18n(locale: Locale = initialLocale()) {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    messages,
    missingWarn: false,
    fallbackWarn: false,
  });
}
