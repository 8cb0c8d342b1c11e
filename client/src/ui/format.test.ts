import { afterEach, describe, expect, it } from "vitest";
import {
  formatCount,
  formatDays,
  formatLift,
  formatLiftInterval,
  formatPercent,
  formatPp,
  formatPpInterval,
  formatPValue,
  formatSigned,
  MISSING,
  numberFormat,
  setLocale,
} from "./format.js";

afterEach(() => setLocale(undefined));

describe("formatting in English", () => {
  it("lift with its sign and one decimal", () => {
    setLocale("en-US");
    expect(formatLift(0.023)).toBe("+2.3%");
    expect(formatLift(-0.05)).toBe("-5.0%");
    expect(formatLift(0)).toBe("0.0%");
    expect(formatLift(null)).toBe(MISSING);
    expect(formatLift(Number.NaN)).toBe(MISSING);
  });

  it("intervals through formatRange", () => {
    setLocale("en-US");
    expect(formatLiftInterval([-0.012, 0.034])).toBe("-1.2% – +3.4%");
    expect(formatPpInterval([0.0089, 0.0212])).toBe("+0.89 – +2.12 pp");
    expect(formatLiftInterval(null)).toBe(MISSING);
  });

  it("p-values with 3 decimals or <0.001, never scientific notation", () => {
    setLocale("en-US");
    expect(formatPValue(0.04567)).toBe("0.046");
    expect(formatPValue(0.001)).toBe("0.001");
    expect(formatPValue(0.00099)).toBe("<0.001");
    expect(formatPValue(1.6e-6)).toBe("<0.001");
    expect(formatPValue(1)).toBe("1.000");
    expect(formatPValue(null)).toBe(MISSING);
  });

  it("rate differences in percentage points, shares in percent, counts with separators, days", () => {
    setLocale("en-US");
    expect(formatPp(0.0151)).toBe("+1.51 pp");
    expect(formatPp(-0.002)).toBe("-0.20 pp");
    expect(formatPercent(0.1234)).toBe("12.3%");
    expect(formatPercent(0.0043)).toBe("0.43%");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatDays(1)).toBe("1 day");
    expect(formatDays(12)).toBe("12 days");
    expect(formatSigned(1.5)).toBe("+1.5");
  });
});

describe("formatting follows the locale", () => {
  it("German separators and percent spacing", () => {
    setLocale("de-DE");
    expect(formatCount(1234567)).toBe("1.234.567");
    // German puts a no-break space before the percent sign and uses a decimal comma.
    expect(formatLift(0.023)).toBe("+2,3\u00a0%");
    expect(formatPValue(0.04567)).toBe("0,046");
    expect(formatPValue(0.0001)).toBe("<0,001");
    expect(formatDays(12)).toBe("12 Tage");
  });

  it("caches one Intl.NumberFormat per locale and options", () => {
    setLocale("fr-FR");
    const a = numberFormat({ style: "percent" });
    expect(numberFormat({ style: "percent" })).toBe(a);
    setLocale("en-GB");
    expect(numberFormat({ style: "percent" })).not.toBe(a);
  });

  it("without an override uses the runtime's locale, not a hard-coded one", () => {
    setLocale(undefined);
    const expected = new Intl.NumberFormat(
      typeof navigator !== "undefined" ? navigator.language : undefined,
    ).format(1234567);
    expect(formatCount(1234567)).toBe(expected);
  });
});
