import { ref } from 'vue';
import { MESSAGES, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'kj.locale';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

function initialLocale(): Locale {
  // An explicit ?lang= wins (a kiosk URL fixes its language), then the last choice, then Chinese.
  const fromUrl = typeof location !== 'undefined' ? new URLSearchParams(location.search).get('lang') : null;
  const fromStore = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
  for (const candidate of [fromUrl, fromStore]) {
    if (candidate && (LOCALES as readonly string[]).includes(candidate)) return candidate as Locale;
  }
  return 'zh-CN';
}

/** One locale for the whole app: a module-level ref, so every screen switches together. */
export const locale = ref<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  locale.value = next;
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next);
  if (typeof document !== 'undefined') document.documentElement.lang = next;
}

export type MessageParams = Record<string, string | number>;

/** Looks a key up in the current locale and fills `{name}` placeholders. */
export function t(key: MessageKey, params?: MessageParams): string {
  const text = MESSAGES[locale.value][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function formatNumber(value: number, digits = 0): string {
  return new Intl.NumberFormat(locale.value, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A ratio 0..1 shown as a percentage. */
export function formatPercent(ratio: number, digits = 1): string {
  return `${formatNumber(ratio * 100, digits)}%`;
}

export function formatTime(at: string | number | Date, withSeconds = true): string {
  const d = at instanceof Date ? at : new Date(at);
  return new Intl.DateTimeFormat(locale.value, {
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
    hour12: false,
  }).format(d);
}

export function formatDateTime(at: string | number | Date): string {
  const d = at instanceof Date ? at : new Date(at);
  return new Intl.DateTimeFormat(locale.value, {
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}

/** A duration in ms as h:mm:ss (negative durations, e.g. an overdue timer, keep their sign). */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${sign}${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export function useI18n() {
  return { t, locale, setLocale, formatNumber, formatPercent, formatTime, formatDateTime, formatDuration };
}
