/**
 * Every locale's messages at once, for tests and checks. The app itself loads English on demand
 * (`loadLocale` in ./index): importing this module from app code would put it back in the first load.
 */
import type { Locale } from './index';
import type { MessageTree } from './messageTree';
import { messages as en } from './en';
import { messages as zhCN } from './zh-CN';

export const messages: Record<Locale, MessageTree> = { 'zh-CN': zhCN, en };
