/**
 * Number and date formatting for people: every formatter is an `Intl.NumberFormat` /
 * `Intl.DateTimeFormat` in the browser's locale (never a hard-coded one), created once per
 * (locale, options) and reused. Missing values (`null`, NaN) render as an em dash.
 */

/** What is shown for a missing number. */
export const MISSING = "—";

let currentLocale: string | undefined;

/** The browser's preferred locale (`navigator.languages[0]`), or the runtime default. */
export function browserLocale(): string | undefined {
  if (currentLocale !== undefined) return currentLocale;
  if (typeof navigator !== "undefined") return navigator.languages?.[0] ?? navigator.language;
  return undefined;
}

/** Overrides the locale (tests, a future language setting); `undefined` returns to the browser's. */
export function setLocale(locale: string | undefined): void {
  currentLocale = locale;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** A cached `Intl.NumberFormat` for the current locale and `options`. */
export function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const locale = browserLocale();
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

const usable = (x: number | null | undefined): x is number => typeof x === "number" && !Number.isNaN(x);

/** Significant decimals for a share: 1 decimal, 2 below 1 % (0.43 %), 3 below 0.1 %. */
function percentDigits(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || a >= 0.01) return 1;
  if (a >= 0.001) return 2;
  return 3;
}

/** A share as a percent: 0.1234 → "12.3%" (more decimals for small shares: 0.0043 → "0.43%"). */
export function formatPercent(x: number | null | undefined, digits?: number): string {
  if (!usable(x)) return MISSING;
  const d = digits ?? percentDigits(x);
  return numberFormat({ style: "percent", minimumFractionDigits: d, maximumFractionDigits: d }).format(x);
}

/** A relative lift with its sign: 0.023 → "+2.3%", −0.05 → "-5.0%", 0 → "0.0%". */
export function formatLift(x: number | null | undefined, digits = 1): string {
  if (!usable(x)) return MISSING;
  return numberFormat({
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: "exceptZero",
  }).format(x);
}

/** An interval of relative lifts: [−0.012, 0.034] → "-1.2% – +3.4%" (`formatRange`, the locale's dash). */
export function formatLiftInterval(ci: readonly [number, number] | null | undefined, digits = 1): string {
  if (!ci || !usable(ci[0]) || !usable(ci[1])) return MISSING;
  return numberFormat({
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: "exceptZero",
  }).formatRange(ci[0], ci[1]);
}

/**
 * An absolute difference of two rates in percentage points: 0.0151 → "+1.51 pp"
 * (a rate of 10 % going to 11.51 % is +1.51 pp, not +1.51 %).
 */
export function formatPp(x: number | null | undefined, digits = 2): string {
  if (!usable(x)) return MISSING;
  const n = numberFormat({
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: "exceptZero",
  }).format(x * 100);
  return `${n} pp`;
}

/** An interval of rate differences in percentage points: [0.0089, 0.0212] → "+0.89 – +2.12 pp". */
export function formatPpInterval(ci: readonly [number, number] | null | undefined, digits = 2): string {
  if (!ci || !usable(ci[0]) || !usable(ci[1])) return MISSING;
  const range = numberFormat({
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: "exceptZero",
  }).formatRange(ci[0] * 100, ci[1] * 100);
  return `${range} pp`;
}

/** A p-value with 3 decimals, or "<0.001" below that (never scientific notation). */
export function formatPValue(p: number | null | undefined): string {
  if (!usable(p)) return MISSING;
  const f = numberFormat({ minimumFractionDigits: 3, maximumFractionDigits: 3 });
  if (p < 0.001) return `<${f.format(0.001)}`;
  return f.format(Math.min(p, 1));
}

/** A count with the locale's group separators: 12345 → "12,345" (en), "12.345" (de). */
export function formatCount(n: number | null | undefined): string {
  if (!usable(n)) return MISSING;
  return numberFormat({ maximumFractionDigits: 0 }).format(Math.round(n));
}

/** A plain number with up to `digits` decimals: 12.3456 → "12.35". */
export function formatNumber(x: number | null | undefined, digits = 2): string {
  if (!usable(x)) return MISSING;
  return numberFormat({ maximumFractionDigits: digits }).format(x);
}

/** A signed plain number (absolute difference of a mean): 1.5 → "+1.5". */
export function formatSigned(x: number | null | undefined, digits = 2): string {
  if (!usable(x)) return MISSING;
  return numberFormat({ maximumFractionDigits: digits, signDisplay: "exceptZero" }).format(x);
}

/** A signed interval of plain numbers: [−0.2, 1.4] → "-0.2 – +1.4". */
export function formatSignedInterval(ci: readonly [number, number] | null | undefined, digits = 2): string {
  if (!ci || !usable(ci[0]) || !usable(ci[1])) return MISSING;
  return numberFormat({ maximumFractionDigits: digits, signDisplay: "exceptZero" }).formatRange(ci[0], ci[1]);
}

/** A duration in whole days: 1 → "1 day", 12 → "12 days" (locale's unit wording). */
export function formatDays(days: number | null | undefined): string {
  if (!usable(days)) return MISSING;
  return numberFormat({ style: "unit", unit: "day", unitDisplay: "long", maximumFractionDigits: 0 }).format(
    Math.round(days),
  );
}

/** A duration in whole weeks: 2 → "2 weeks". */
export function formatWeeks(weeks: number | null | undefined): string {
  if (!usable(weeks)) return MISSING;
  return numberFormat({ style: "unit", unit: "week", unitDisplay: "long", maximumFractionDigits: 0 }).format(
    Math.round(weeks),
  );
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A date and time in the locale's medium style: "Jan 15, 2026, 9:59 AM". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return MISSING;
  const locale = browserLocale();
  const key = locale ?? "";
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    dateFormats.set(key, format);
  }
  return format.format(date);
}
