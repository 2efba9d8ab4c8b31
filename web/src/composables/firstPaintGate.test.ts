import { describe, expect, it } from 'vitest';
import { afterFirstPaint, holdUntilFirstPaint, releaseAfterFirstPaint } from './firstPaintGate';

async function settledOf(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return settled;
}

describe('the first-paint gate', () => {
  it('is open when nothing holds it', async () => {
    expect(await settledOf(afterFirstPaint())).toBe(true);
  });

  it('holds what waits on it until it is released, then lets later waiters through at once', async () => {
    holdUntilFirstPaint();
    const waiting = afterFirstPaint();
    expect(await settledOf(waiting)).toBe(false);
    holdUntilFirstPaint(); // a second hold keeps the same gate
    releaseAfterFirstPaint();
    expect(await settledOf(waiting)).toBe(true);
    expect(await settledOf(afterFirstPaint())).toBe(true);
  });
});
