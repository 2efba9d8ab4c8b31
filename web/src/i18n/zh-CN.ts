/** The default locale's texts, in the first load: the app's messages and Element Plus' own. */
import { mergeMessageFiles, type MessageTree } from './messageTree';

export { default as elementPlus } from 'element-plus/es/locale/lang/zh-cn';

export const messages = mergeMessageFiles(import.meta.glob<{ default: MessageTree }>('./locales/zh-CN/*.ts', { eager: true }));
