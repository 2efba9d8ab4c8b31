/**
 * Element Plus' message (the toast) with its style, fetched on first use: nothing on the first
 * paint shows one. main.ts fetches it once the board has painted, so a later toast needs no
 * request (the connection may be what failed).
 */
import type { MessageOptions } from 'element-plus';

type ShowToast = (options: MessageOptions) => unknown;

let loading: Promise<ShowToast> | null = null;

export function loadToasts(): Promise<ShowToast> {
  loading ??= Promise.all([
    import('element-plus/es/components/message/index.mjs'),
    import('element-plus/es/components/message/style/css'),
  ]).then(
    ([{ ElMessage }]) => ElMessage,
    (error: unknown) => {
      loading = null; // the next toast tries again
      throw error;
    },
  );
  return loading;
}

/** Shows a toast as soon as its code is there (at once, after the first). */
export function toast(options: MessageOptions): void {
  loadToasts().then(
    (show) => show(options),
    (error: unknown) => console.error(error, options.message),
  );
}
