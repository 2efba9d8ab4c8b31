/**
 * SortableJS (about 12 KB gzip) out of the first load. vuedraggable gets this class in its place
 * (vite.config.ts resolves vuedraggable's `sortablejs` here; tests use the real one): a list
 * mounted before SortableJS has arrived becomes sortable once it has. It is fetched once the
 * first paint is out (firstPaintGate: the cards show before they can be dragged; their move menus
 * work meanwhile), and main.ts asks for it then even if no list has.
 */
import { afterFirstPaint } from '@/composables/firstPaintGate';

/** The part of SortableJS vuedraggable uses. */
interface Sortable {
  option(name: string, value: unknown): void;
  destroy(): void;
}
type SortableClass = new (element: HTMLElement, options: Record<string, unknown>) => Sortable;

let loading: Promise<SortableClass> | null = null;

export function loadSortable(): Promise<SortableClass> {
  loading ??= afterFirstPaint().then(() => import('sortablejs')).then(
    (module: { default: SortableClass }) => module.default,
    (error: unknown) => {
      loading = null; // the next list tries again
      throw error;
    },
  );
  return loading;
}

export default class LazySortable implements Sortable {
  private sortable: Sortable | null = null;
  private destroyed = false;
  private readonly options: Record<string, unknown>;

  constructor(element: HTMLElement, options: Record<string, unknown>) {
    this.options = { ...options };
    loadSortable().then(
      (RealSortable) => {
        if (this.destroyed) return;
        this.sortable = new RealSortable(element, this.options);
        // A mark that the list now takes drags (browser tests wait on it before dragging).
        element.dataset.sortable = 'ready';
      },
      // The list stays as it is, not sortable; the cards' move menus still move them.
      (error: unknown) => console.error(error),
    );
  }

  option(name: string, value: unknown): void {
    if (this.sortable) this.sortable.option(name, value);
    else this.options[name] = value;
  }

  destroy(): void {
    this.destroyed = true;
    this.sortable?.destroy();
    this.sortable = null;
  }
}
