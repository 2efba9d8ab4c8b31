/**
 * Which of a board column's cards are drawn: first those that fit the column's height and one
 * more, for the app's first paint; once that is out, one more screen of them (scrolling never
 * shows an undrawn gap before the sentinel adds a page), never fewer than a handful; then a page
 * more each time the sentinel below the cards comes within half a column of sight, or the person
 * asks for more. Each drawn card holds about 16 KB of heap, so the board at 500 projects draws
 * 56–70 cards instead of 210, and the cards out of sight cost the first paint nothing.
 */
import { computed, nextTick, onBeforeUnmount, onMounted, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import { afterFirstPaint } from '@/composables/firstPaintGate';

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

/**
 * Cards in sight in a column `height` px tall, and one more: what the app's first paint draws.
 * Cards measure at least 130 px apart, so this many always reach below the column's bottom.
 */
export function cardsInSight(height: number): number {
  return Math.max(MIN_FIRST_CARDS, Math.ceil(height / CARD_STEP_ESTIMATE) + 1);
}

/** The column's height guessed for a window `windowHeight` px tall, before the column is laid out. */
function columnEstimate(windowHeight: number): number {
  return Math.max(0, windowHeight - CHROME_ESTIMATE);
}

/** The guess for a window `windowHeight` px tall, made before the column is laid out. */
export function screenEstimate(windowHeight: number): number {
  return fittingCards(columnEstimate(windowHeight));
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
  const guessedHeight = columnEstimate(typeof window === 'undefined' ? 0 : window.innerHeight);
  const firstCount = ref(fittingCards(guessedHeight));
  /** What the first paint draws; the column grows to `firstCount` once that paint is out. */
  const inSightCount = ref(cardsInSight(guessedHeight));
  let filled = false;
  /** The window as the column drew it by itself, before the person or the sentinel grew it. */
  const untouchedCount = () => (filled ? firstCount.value : inSightCount.value);
  const renderCount = ref(untouchedCount());
  const visible = computed(() => source.cards().slice(0, renderCount.value));
  const remaining = computed(() => Math.max(0, source.cards().length - renderCount.value));

  function showMore(): void {
    renderCount.value = Math.min(source.cards().length, renderCount.value + toValue(source.pageSize));
  }

  // A filter that shrinks the column should not keep a huge render window alive.
  watch(
    () => source.cards().length,
    (length) => {
      if (length < renderCount.value) renderCount.value = Math.max(untouchedCount(), length);
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
    // Only the untouched first window is resized: a column already grown by the person stays.
    const untouched = renderCount.value === untouchedCount();
    firstCount.value = fittingCards(height);
    inSightCount.value = cardsInSight(height);
    if (untouched) renderCount.value = untouchedCount();
    return true;
  }

  /** The first paint is out: the column draws its second screen, below its bottom (nothing in sight moves). */
  function fill(): void {
    const untouched = renderCount.value === untouchedCount();
    filled = true;
    if (untouched) renderCount.value = untouchedCount();
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

  let unmounted = false;

  /** Watched only once the column has drawn its second screen, so the cards in sight alone never add a page. */
  function watchSentinel(): void {
    const sentinel = source.sentinel.value;
    if (unmounted || typeof IntersectionObserver === 'undefined' || !sentinel) return;
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
  }

  onMounted(() => {
    measureColumn(source.scroller());
    window.addEventListener('beforeprint', beforePrint);
    // Until the app's first paint is out (the first-paint gate) the column draws only the cards in
    // sight; a column opened later finds the gate open.
    void afterFirstPaint().then(() => {
      if (unmounted) return;
      fill();
      void nextTick(watchSentinel);
    });
  });
  onBeforeUnmount(() => {
    unmounted = true;
    sizer?.disconnect();
    observer?.disconnect();
    window.removeEventListener('beforeprint', beforePrint);
  });

  return { renderCount, visible, remaining, showMore };
}
