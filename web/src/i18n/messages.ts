/**
 * Every locale's messages at once, every area included, for tests and checks. The app itself loads
 * English and the pages' areas on demand (./index): importing this module from app code would put
 * them back in the first load.
 */
import type { Locale } from './index';
import type { MessageTree } from './messageTree';
import { messages as en } from './en';
import { messages as enPages } from './en.pages';
import { messages as zhCN } from './zh-CN';
import { messages as zhCNPages } from './zh-CN.pages';

export const messages: Record<Locale, MessageTree> = { 'zh-CN': { ...zhCN, ...zhCNPages }, en: { ...en, ...enPages } };
