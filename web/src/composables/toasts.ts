/**
 * Element Plus' message (the toast) with its style, fetched on first use: nothing on the first
 * paint shows one. main.ts fetches it once the board has painted, so a later toast needs no
 * request (the connection may be what failed). If its chunk cannot be had, the message still
 * reaches the person: a plain live region under the header says it (and the console logs why).
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

const FALLBACK_ID = 'cw-toast-fallback';
/** How long a fallback line stays when it is not an error (errors stay until closed). */
const FALLBACK_MS = 6000;

function fallbackRegion(): HTMLElement {
  const existing = document.getElementById(FALLBACK_ID);
  if (existing) return existing;
  const region = document.createElement('div');
  region.id = FALLBACK_ID;
  region.className = 'cw-no-print';
  region.style.cssText =
    'position:fixed;top:64px;left:50%;transform:translateX(-50%);z-index:3000;display:flex;flex-direction:column;gap:8px;max-width:min(560px,calc(100vw - 24px))';
  document.body.append(region);
  return region;
}

/** The message as a line in a plain live region, with a close button; what the toast would have said. */
export function showFallbackToast(options: MessageOptions, closeLabel: string): void {
  if (typeof document === 'undefined') return;
  const isError = options.type === 'error' || options.type === 'warning';
  const line = document.createElement('div');
  // An alert is read out at once; a success or note politely.
  line.setAttribute('role', isError ? 'alert' : 'status');
  line.dataset.type = options.type ?? 'info';
  line.style.cssText = `display:flex;align-items:flex-start;gap:12px;padding:10px 14px;border-radius:4px;border:1px solid;font-size:14px;line-height:1.5;box-shadow:0 2px 8px rgb(0 0 0 / 12%);${
    isError
      ? 'background:var(--el-color-error-light-9,#fef0f0);border-color:var(--el-color-error-light-5,#fab6b6);color:var(--el-color-error,#c45656)'
      : 'background:var(--el-color-info-light-9,#f4f4f5);border-color:var(--el-color-info-light-5,#c8c9cc);color:var(--el-text-color-primary,#303133)'
  }`;
  const text = document.createElement('span');
  text.style.flex = '1';
  text.textContent = typeof options.message === 'string' ? options.message : String(options.message ?? '');
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', closeLabel);
  close.style.cssText = 'border:0;background:none;color:inherit;font-size:18px;line-height:1;cursor:pointer;padding:0 2px';
  close.addEventListener('click', () => line.remove());
  line.append(text, close);
  fallbackRegion().append(line);
  if (!isError) setTimeout(() => line.remove(), FALLBACK_MS);
}

/**
 * Shows a toast as soon as its code is there (at once, after the first). `closeLabel` names the
 * fallback's close button, in the person's language.
 */
export function toast(options: MessageOptions, closeLabel: string): void {
  loadToasts().then(
    (show) => show(options),
    (error: unknown) => {
      console.error('the toast could not be shown as a toast', error, options.message);
      showFallbackToast(options, closeLabel);
    },
  );
}
