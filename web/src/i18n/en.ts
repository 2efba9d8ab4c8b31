/** English texts (the app's messages and Element Plus' own): one chunk, loaded when English is chosen. */
import { mergeMessageFiles, type MessageTree } from './messageTree';

export { default as elementPlus } from 'element-plus/es/locale/lang/en';

export const messages = mergeMessageFiles(import.meta.glob<{ default: MessageTree }>('./locales/en/*.ts', { eager: true }));
