import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "../../ui/format.js";
import { parseCount, parseDecimal, parsePercent, percentText } from "./number-input.js";

afterEach(() => setLocale(undefined));

const value = (text: string) => {
  const p = parsePercent(text);
  return p.ok ? p.value : p.message;
};

describe("parsePercent: one rule, 10 and 0.10 both mean 10 %", () => {
  it("reads numbers of 1 or more as percents and numbers below 1 as fractions", () => {
    expect(value("10")).toBeCloseTo(0.1, 12);
    expect(value("0.10")).toBeCloseTo(0.1, 12);
    expect(value("0.1")).toBeCloseTo(0.1, 12);
    expect(value("1")).toBeCloseTo(0.01, 12);
    expect(value("80")).toBeCloseTo(0.8, 12);
    expect(value("0.8")).toBeCloseTo(0.8, 12);
  });

  it("a % sign always means percent, which is how rates under 1 % are typed", () => {
    expect(value("10 %")).toBeCloseTo(0.1, 12);
    expect(value("10%")).toBeCloseTo(0.1, 12);
    expect(value("0.5 %")).toBeCloseTo(0.005, 12);
    expect(value("0.5")).toBeCloseTo(0.5, 12);
  });

  it("accepts a decimal comma and says what is wrong otherwise", () => {
    expect(value("2,5 %")).toBeCloseTo(0.025, 12);
    expect(value("")).toBe("Enter a percentage.");
    expect(value("ten")).toBe("“ten” is not a number.");
    expect(value("1.2.3")).toBe("“1.2.3” is not a number.");
  });

  it("the text a field shows reads back as the same value", () => {
    setLocale("en-US");
    for (const f of [0.1, 0.005, 0.8, 0.0125, 1]) expect(value(percentText(f))).toBeCloseTo(f, 12);
    expect(percentText(0.1)).toBe("10 %");
    setLocale("de-DE");
    expect(percentText(0.025)).toBe("2,5 %");
    expect(value(percentText(0.025))).toBeCloseTo(0.025, 12);
  });
});

describe("parseCount and parseDecimal", () => {
  it("counts accept group separators of any locale but no decimals", () => {
    expect(parseCount("10,000")).toEqual({ ok: true, value: 10000 });
    expect(parseCount("10.000")).toEqual({ ok: true, value: 10000 });
    expect(parseCount("10 000")).toEqual({ ok: true, value: 10000 });
    expect(parseCount("2500")).toEqual({ ok: true, value: 2500 });
    expect(parseCount("12.5").ok).toBe(false);
    expect(parseCount("1,00").ok).toBe(false);
  });

  it("decimals accept a point or a comma", () => {
    expect(parseDecimal("12.5")).toEqual({ ok: true, value: 12.5 });
    expect(parseDecimal("12,5")).toEqual({ ok: true, value: 12.5 });
    expect(parseDecimal("-3")).toEqual({ ok: true, value: -3 });
    expect(parseDecimal("abc").ok).toBe(false);
  });
});
