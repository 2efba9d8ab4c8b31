/**
 * English texts (the app's messages and Element Plus' own): one chunk, loaded when English is
 * chosen. The areas only other pages show are in ./en.pages (see PAGE_AREAS in ./index).
 */
import { mergeMessageFiles, type MessageTree } from './messageTree';

export { default as elementPlus } from 'element-plus/es/locale/lang/en';

export const messages = mergeMessageFiles(
  import.meta.glob<{ default: MessageTree }>(['./locales/en/*.ts', '!./locales/en/{admin,bank,charts,followUp,ledger,meeting,plan,project,scorecard}.ts'], { eager: true }),
);
