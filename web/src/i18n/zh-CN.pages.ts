/** zh-CN texts of the areas only pages other than the board show (PAGE_AREAS in ./index): loaded once one is needed. */
import { mergeMessageFiles, type MessageTree } from './messageTree';

export const messages = mergeMessageFiles(import.meta.glob<{ default: MessageTree }>('./locales/zh-CN/{admin,bank,charts,followUp,ledger,meeting,plan,project,scorecard}.ts', { eager: true }));
