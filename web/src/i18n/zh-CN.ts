/**
 * The default locale's texts in the first load: the app's messages and Element Plus' own. The
 * areas only other pages show are in ./zh-CN.pages (a chunk of their own, see PAGE_AREAS in ./index).
 */
import { mergeMessageFiles, type MessageTree } from './messageTree';

export { default as elementPlus } from 'element-plus/es/locale/lang/zh-cn';

export const messages = mergeMessageFiles(
  import.meta.glob<{ default: MessageTree }>(['./locales/zh-CN/*.ts', '!./locales/zh-CN/{admin,bank,charts,followUp,ledger,meeting,plan,project,scorecard}.ts'], { eager: true }),
);
