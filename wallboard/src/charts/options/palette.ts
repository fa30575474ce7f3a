/** The wall's colours: dark ground, one accent, and the three status colours used on every screen. */
export const PALETTE = {
  ground: '#040d1c',
  panel: '#0a1a33',
  land: '#0c2748',
  border: '#1d5a8c',
  text: '#d8e6ff',
  muted: '#7f96bd',
  accent: '#27d7ff',
  vehicle: '#9ff8ff',
  hub: '#ffd166',
  ok: '#2bd67b',
  warn: '#ffb020',
  danger: '#ff4d4f',
  cold: '#b47cff',
} as const;

/** Scale factor of a chart relative to the 1920-wide design (4K walls get 2×). */
export function scaleFor(widthPx: number): number {
  return Math.max(0.6, Math.min(3, widthPx / 1920));
}
