/**
 * How many cards a board column draws first: those that fit its height plus one more screen of
 * them (scrolling then never shows an undrawn gap before the sentinel adds a page), and never
 * fewer than a handful.
 */

/** Fewest cards a column draws first, however short the screen. */
export const MIN_FIRST_CARDS = 6;

/**
 * A typical card's height plus the list's gap, in px (the cards' `contain-intrinsic-size` of
 * 136 px and the 8 px gap; cards measure 130 to 215 px apart with the sample data).
 */
export const CARD_STEP_ESTIMATE = 144;

/**
 * Height in px the app's header, the board's toolbar and summary and a column's head take above
 * a column's cards at desktop width (about 255 px at 1280×800 and 1440×900), for the guess made before layout.
 */
const CHROME_ESTIMATE = 250;

/** Cards for a column `height` px tall whose cards are `step` px apart: a screenful and one more. */
export function fittingCards(height: number, step: number): number {
  const perScreen = Math.ceil(height / Math.max(1, step > 0 ? step : CARD_STEP_ESTIMATE));
  return Math.max(MIN_FIRST_CARDS, 2 * perScreen);
}

/** The guess for a window `windowHeight` px tall, made before the column is laid out. */
export function screenEstimate(windowHeight: number): number {
  return fittingCards(Math.max(0, windowHeight - CHROME_ESTIMATE), CARD_STEP_ESTIMATE);
}
