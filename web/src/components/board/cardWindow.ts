/**
 * Which of a board column's cards are drawn: first those that fit the column's height plus one
 * more screen of them (scrolling never shows an undrawn gap before the sentinel adds a page), never
 * fewer than a handful; then a page more each time the sentinel below the cards comes within half
 * a column of sight, or the person asks for more. Each drawn card holds about 16 KB of heap, so the
 * board at 500 projects draws 56–70 cards instead of 210.
 */
import { computed, nextTick, onBeforeUnmount, onMounted, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';

/** Fewest cards a column draws first, however short the screen. */
export const MIN_FIRST_CARDS = 6;

/**
 * A typical card's height plus the list's gap, in px (the cards' `contain-intrinsic-size` of
 * 136 px and the 8 px gap; cards measure 130 to 215 px apart with the sample data).
 */
export const CARD_STEP_ESTIMATE = 144;

/**
 * Height in px the app's header, the board's toolbar and summary and a column's head take above
 * a column's cards (about 255 px at 1280×800 and 1440×900), for the guess made before layout.
 */
const CHROME_ESTIMATE = 250;

/** Cards for a column `height` px tall: a screenful and one more. */
export function fittingCards(height: number): number {
  return Math.max(MIN_FIRST_CARDS, 2 * Math.ceil(height / CARD_STEP_ESTIMATE));
}

/** The guess for a window `windowHeight` px tall, made before the column is laid out. */
export function screenEstimate(windowHeight: number): number {
  return fittingCards(Math.max(0, windowHeight - CHROME_ESTIMATE));
}

export interface CardWindowSource<T> {
  /** The column's cards, in order. */
  cards: () => readonly T[];
  /** Cards one "more" adds. */
  pageSize: MaybeRefOrGetter<number>;
  /** The column's scrolling body, once mounted. */
  scroller: () => HTMLElement | null;
  /** An element just below the drawn cards. */
  sentinel: Ref<HTMLElement | null>;
}

export function useCardWindow<T>(source: CardWindowSource<T>) {
  /**
   * The first render's size: guessed from the window height before anything is laid out, then
   * counted from the column's height as the first frame's layout reports it (a ResizeObserver's
   * first entry, delivered before that frame is painted). A card's own height is not known yet
   * then (`content-visibility` draws it at its intrinsic size until the first frame), so the step
   * is the typical card's; shorter cards bring the sentinel into reach, which adds a page.
   */
  const firstCount = ref(screenEstimate(typeof window === 'undefined' ? 0 : window.innerHeight));
  const renderCount = ref(firstCount.value);
  const visible = computed(() => source.cards().slice(0, renderCount.value));
  const remaining = computed(() => Math.max(0, source.cards().length - renderCount.value));

  function showMore(): void {
    renderCount.value = Math.min(source.cards().length, renderCount.value + toValue(source.pageSize));
  }

  // A filter that shrinks the column should not keep a huge render window alive.
  watch(
    () => source.cards().length,
    (length) => {
      if (length < renderCount.value) renderCount.value = Math.max(firstCount.value, length);
    },
  );

  // A card dropped from another column just after this one's last drawn card stays drawn (one
  // card more; a filter taken off brings many, and the column keeps its size).
  watch(source.cards, (list, old) => {
    const dropped = list[renderCount.value];
    if (dropped && list.length === old.length + 1 && !old.includes(dropped)) showMore();
  });

  /** Sizes the first render by the column's laid-out height; false while it has none (hidden). */
  function fitToColumn(height: number): boolean {
    if (height <= 0) return false;
    const count = fittingCards(height);
    // Only the untouched first window is resized: a column already grown by the person stays.
    if (renderCount.value === firstCount.value) renderCount.value = count;
    firstCount.value = count;
    return true;
  }

  /**
   * Reading the height at mount (`clientHeight`) made the browser lay out the whole page there and
   * then, once per board (about 20 ms at 500 projects), and again in the frame. A ResizeObserver
   * is told the size by the frame's own layout, before its paint: the cards its entry adds are laid
   * out in that frame too, so the guess never shows. Measured once, as at mount before: later
   * sizes (a window resized) keep the column's window.
   */
  let sizer: ResizeObserver | null = null;
  function measureColumn(scroller: HTMLElement | null): void {
    if (typeof ResizeObserver === 'undefined' || !scroller) return;
    sizer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      // The border box is the scroller's clientHeight (it has no border and scrolls only down).
      const height = entry ? (entry.borderBoxSize?.[0]?.blockSize ?? entry.contentRect.height) : 0;
      if (!fitToColumn(height)) return;
      sizer?.disconnect();
      sizer = null;
    });
    sizer.observe(scroller, { box: 'border-box' });
  }

  let observer: IntersectionObserver | null = null;

  /** Observing again reports the sentinel afresh, so one that stays in reach keeps adding pages. */
  function observeSentinel(): void {
    const sentinel = source.sentinel.value;
    if (!observer || !sentinel) return;
    observer.unobserve(sentinel);
    observer.observe(sentinel);
  }

  /** A printout shows at least the page a column drew before it sized itself to the screen. */
  function beforePrint(): void {
    renderCount.value = Math.max(renderCount.value, toValue(source.pageSize));
  }

  onMounted(() => {
    measureColumn(source.scroller());
    window.addEventListener('beforeprint', beforePrint);
    const sentinel = source.sentinel.value;
    if (typeof IntersectionObserver === 'undefined' || !sentinel) return;
    observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting) || remaining.value === 0) return;
        showMore();
        void nextTick(observeSentinel);
      },
      // Half a column ahead: the first render's second screen stays ahead of the sentinel.
      { root: source.scroller(), rootMargin: '0px 0px 50% 0px' },
    );
    observer.observe(sentinel);
  });
  onBeforeUnmount(() => {
    sizer?.disconnect();
    observer?.disconnect();
    window.removeEventListener('beforeprint', beforePrint);
  });

  return { renderCount, visible, remaining, showMore };
}
