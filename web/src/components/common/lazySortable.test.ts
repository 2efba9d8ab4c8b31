import { beforeEach, describe, expect, it, vi } from 'vitest';

const created: { element: HTMLElement; options: Record<string, unknown>; calls: string[] }[] = [];

vi.mock('sortablejs', () => ({
  default: class {
    readonly record: (typeof created)[number];
    constructor(element: HTMLElement, options: Record<string, unknown>) {
      this.record = { element, options: { ...options }, calls: [] };
      created.push(this.record);
    }
    option(name: string, value: unknown): void {
      this.record.calls.push(`option ${name}=${String(value)}`);
    }
    destroy(): void {
      this.record.calls.push('destroy');
    }
  },
}));

const { default: LazySortable, loadSortable } = await import('./lazySortable');

async function arrived(): Promise<void> {
  await loadSortable();
  await Promise.resolve();
}

describe('LazySortable (vuedraggable gets it for sortablejs in the build)', () => {
  beforeEach(() => {
    created.length = 0;
  });

  it('makes the list sortable once SortableJS is there, with the options set meanwhile', async () => {
    const list = document.createElement('ol');
    const sortable = new LazySortable(list, { disabled: true, group: 'board' });
    sortable.option('disabled', false);
    expect(created).toEqual([]);
    await arrived();
    expect(created).toEqual([{ element: list, options: { disabled: false, group: 'board' }, calls: [] }]);
    sortable.option('disabled', true);
    sortable.destroy();
    expect(created[0]!.calls).toEqual(['option disabled=true', 'destroy']);
  });

  it('never makes a list sortable that was unmounted before SortableJS arrived', async () => {
    const sortable = new LazySortable(document.createElement('ol'), {});
    sortable.destroy();
    await arrived();
    expect(created).toEqual([]);
  });
});
