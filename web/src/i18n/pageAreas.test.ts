import { describe, expect, it } from 'vitest';
import { createAppI18n, installLocale, installPageMessages, LOCALES, PAGE_AREAS, setAppComposer, withPageMessages, type Locale } from './index';
import { messages as en } from './en';
import { messages as enPages } from './en.pages';
import { messages as zhCN } from './zh-CN';
import { messages as zhCNPages } from './zh-CN.pages';

const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.ts', { eager: true });
const FIRST_LOAD: Record<Locale, object> = { 'zh-CN': zhCN, en };
const PAGES: Record<Locale, object> = { 'zh-CN': zhCNPages, en: enPages };

function areasOfFiles(locale: Locale): string[] {
  return Object.entries(files)
    .filter(([path]) => path.startsWith(`./locales/${locale}/`))
    .flatMap(([, module]) => Object.keys(module.default))
    .sort();
}

describe('the pages’ message areas (out of the first load)', () => {
  it.each(LOCALES)('%s: the first load has every area but PAGE_AREAS, the pages’ chunk exactly those', (locale) => {
    const pageAreas: string[] = [...PAGE_AREAS].sort();
    expect(Object.keys(PAGES[locale]).sort()).toEqual(pageAreas);
    expect(Object.keys(FIRST_LOAD[locale]).filter((area) => pageAreas.includes(area))).toEqual([]);
    expect([...Object.keys(FIRST_LOAD[locale]), ...pageAreas].sort()).toEqual(areasOfFiles(locale));
  });

  it('installPageMessages adds them to the loaded locale, and installLocale to the next one', async () => {
    const i18n = createAppI18n('zh-CN');
    const { t, te } = i18n.global;
    expect(te('meeting.title')).toBe(false);
    expect(t('board.title')).toBe('融资调度看板');

    await installPageMessages(i18n.global);
    expect(t('meeting.title', { month: '2026-03' })).toBe('2026-03月度调度会');

    await installLocale(i18n.global, 'en');
    i18n.global.locale.value = 'en';
    expect(t('meeting.title', { month: 'March 2026' })).toBe('Scheduling meeting, March 2026');
  });

  it('a component the board opens itself (the drawer) loads with the pages’ areas', async () => {
    const i18n = createAppI18n('zh-CN');
    const { te } = i18n.global;
    const load = withPageMessages(() => Promise.resolve('drawer'));
    expect(await load()).toBe('drawer');
    expect(te('project.drawer.title')).toBe(false); // no app composer yet: only loaded
    setAppComposer(i18n.global);
    expect(await load()).toBe('drawer');
    expect(te('project.drawer.title')).toBe(true);
  });
});
