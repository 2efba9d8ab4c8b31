import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('element-plus/es/components/message/index.mjs', () => {
  throw new Error('chunk failed to load');
});

const { toast } = await import('./toasts');

function fallbackLines(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('#cw-toast-fallback > div')];
}

async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('a toast whose code cannot be fetched', () => {
  afterEach(() => {
    document.getElementById('cw-toast-fallback')?.remove();
    vi.restoreAllMocks();
  });

  it('still reaches the person: an error is said in an alert region until closed, and logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    toast({ type: 'error', message: '无法移动：缺少前置条件' }, '关闭');
    await settled();
    const [line] = fallbackLines();
    expect(line?.getAttribute('role')).toBe('alert');
    expect(line?.textContent).toContain('无法移动：缺少前置条件');
    expect(logged).toHaveBeenCalled();
    const close = line!.querySelector('button')!;
    expect(close.getAttribute('aria-label')).toBe('关闭');
    close.click();
    expect(fallbackLines()).toEqual([]);
  });

  it('says a success politely (a status line) and takes it away after a while', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.useFakeTimers({ toFake: ['setTimeout'], shouldAdvanceTime: true });
    try {
      toast({ type: 'success', message: '已保存' }, 'Close');
      await vi.waitFor(() => expect(fallbackLines()).toHaveLength(1));
      expect(fallbackLines()[0]?.getAttribute('role')).toBe('status');
      vi.advanceTimersByTime(6000);
      expect(fallbackLines()).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
