/**
 * Parsing what people type into the planner's fields.
 *
 * Percent fields follow one rule, shown next to each of them:
 * - a trailing "%" always means percent: "10 %", "10%", "0.5 %" → 10 %, 10 %, 0.5 %;
 * - without "%", a number of 1 or more is a percent: "10" → 10 %, "1" → 1 %;
 * - without "%", a number below 1 is a fraction: "0.1" → 10 %, "0.05" → 5 %.
 * So 10 and 0.10 both mean 10 %, and a rate under 1 % is typed with its "%" ("0.5 %").
 * A decimal comma is accepted ("2,5 %").
 */
import { numberFormat } from "../../ui/format.js";

/** A parsed field: the value, or a message saying what is wrong. */
export type Parsed = { ok: true; value: number } | { ok: false; message: string };

/** The rule, in words, for the hint under percent fields. */
export const PERCENT_RULE = "Type 10 or 0.10 for 10 %; below 1 %, add the % sign (0.5 %).";

function toNumber(text: string): number | null {
  let t = text.trim().replace(/\s+/g, "");
  // A decimal comma ("2,5") when there is no point; group separators are not expected here.
  if (!t.includes(".") && /^-?\d*,\d+$/.test(t)) t = t.replace(",", ".");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Reads a percent field by the rule above; the value is a fraction (10 % → 0.1). */
export function parsePercent(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, message: "Enter a percentage." };
  const hasSign = trimmed.endsWith("%");
  const n = toNumber(hasSign ? trimmed.slice(0, -1) : trimmed);
  if (n === null) return { ok: false, message: `“${trimmed}” is not a number.` };
  if (hasSign || Math.abs(n) >= 1) return { ok: true, value: n / 100 };
  return { ok: true, value: n };
}

/** Reads a plain decimal number ("12.5", "12,5"). */
export function parseDecimal(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, message: "Enter a number." };
  const n = toNumber(trimmed);
  return n === null ? { ok: false, message: `“${trimmed}” is not a number.` } : { ok: true, value: n };
}

/** Reads a count: digits with any group separators ("10,000", "10 000", "10.000"), no decimals. */
export function parseCount(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === "") return { ok: false, message: "Enter a whole number." };
  if (!/^\d{1,3}([,.\s\u00a0\u202f']\d{3})*$|^\d+$/.test(trimmed)) {
    return { ok: false, message: `“${trimmed}” is not a whole number.` };
  }
  return { ok: true, value: Number(trimmed.replace(/\D/g, "")) };
}

/** A fraction as the text a percent field shows: 0.1 → "10 %", 0.005 → "0.5 %" (locale digits). */
export function percentText(fraction: number): string {
  const pct = fraction * 100;
  return `${numberFormat({ maximumFractionDigits: 4, useGrouping: false }).format(pct)} %`;
}

/** A count as a field shows it: 10000 → "10,000" (locale separators). */
export function countText(n: number): string {
  return numberFormat({ maximumFractionDigits: 0 }).format(n);
}

/** A decimal as a field shows it: 12.5 → "12.5". */
export function decimalText(n: number): string {
  return numberFormat({ maximumFractionDigits: 6, useGrouping: false }).format(n);
}
