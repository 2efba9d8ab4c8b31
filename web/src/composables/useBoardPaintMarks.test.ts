import { afterEach, describe, expect, it } from 'vitest';
import { effectScope, nextTick, ref } from 'vue';
import { BOARD_PAINTED_MARK, DATA_READY_MARK, useBoardPaintMarks } from './useBoardPaintMarks';

const marks = (name: string) => performance.getEntriesByName(name, 'mark');

afterEach(() => {
  performance.clearMarks(DATA_READY_MARK);
  performance.clearMarks(BOARD_PAINTED_MARK);
});

describe('board paint marks', () => {
  it('marks data-ready when the data arrives, then board-painted after the next frame, once', async () => {
    const loaded = ref(false);
    const scope = effectScope();
    scope.run(() => useBoardPaintMarks(loaded));
    expect(marks(DATA_READY_MARK)).toHaveLength(0);

    loaded.value = true;
    expect(marks(DATA_READY_MARK)).toHaveLength(1);
    expect(marks(BOARD_PAINTED_MARK)).toHaveLength(0);
    await nextTick();
    await expect.poll(() => marks(BOARD_PAINTED_MARK).length).toBe(1);

    loaded.value = false;
    loaded.value = true;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(marks(DATA_READY_MARK)).toHaveLength(1);
    expect(marks(BOARD_PAINTED_MARK)).toHaveLength(1);
    const [ready] = marks(DATA_READY_MARK);
    const [painted] = marks(BOARD_PAINTED_MARK);
    expect(painted!.startTime).toBeGreaterThanOrEqual(ready!.startTime);
    scope.stop();
  });
});
