import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import {
  minimumDetectableEffect,
  minimumDetectableEffectMeans,
  minimumDetectableEffectProportions,
  powerMeans,
  powerProportions,
  sampleSizeMeans,
  sampleSizeProportions,
} from "./sample-size.js";

/** The rule: within max(1, 0.1 %) of R's n rounded up. */
function expectSampleSize(actual: number | null, rN: number): void {
  const expected = Math.ceil(rN);
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(Math.max(1, 0.001 * expected));
}

describe("sampleSizeProportions matches R power.prop.test", () => {
  it.each(cases("sampleSizeProportions"))("$r", (c) => {
    const r = sampleSizeProportions(c.input);
    expect(r.status).toBe("ok");
    expectSampleSize(r.perVariant, c.n);
    expectClose(r.perVariantExact, c.n);
    expect(r.total).toBe((r.perVariant as number) * 2);
  });
  it("multiplies perVariant by the number of variants", () => {
    const r = sampleSizeProportions({ baselineRate: 0.1, mde: 0.1, variants: 3 });
    // power.prop.test(p1 = 0.1, p2 = 0.11, power = 0.8)$n = 14750.79 -> 14751 per variant
    expect(r).toMatchObject({ status: "ok", perVariant: 14751, total: 44253 });
  });
});

describe("powerProportions matches R power.prop.test", () => {
  it.each(cases("powerProportions"))("$r", (c) => {
    const r = powerProportions(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.power, c.power);
  });
});

describe("minimumDetectableEffectProportions matches R power.prop.test(n, p1, power)", () => {
  it.each(cases("mdeProportions"))("$r", (c) => {
    const r = minimumDetectableEffectProportions(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.absolute, c.absolute);
    expectClose(r.relative, c.relative);
    expect(minimumDetectableEffect(c.input)).toEqual(r);
  });
});

describe("sampleSizeMeans matches R power.t.test", () => {
  it.each(cases("sampleSizeMeans"))("$r", (c) => {
    const r = sampleSizeMeans(c.input);
    expect(r.status).toBe("ok");
    expectSampleSize(r.perVariant, c.n);
    expectClose(r.perVariantExact, c.n);
  });
});

describe("powerMeans matches R power.t.test", () => {
  it.each(cases("powerMeans"))("$r", (c) => {
    const r = powerMeans(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.power, c.power);
  });
});

describe("minimumDetectableEffectMeans matches R power.t.test(n, sd, power)", () => {
  it.each(cases("mdeMeans"))("$r", (c) => {
    const r = minimumDetectableEffectMeans(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.absolute, c.delta);
    expect(minimumDetectableEffect(c.input)).toEqual(r);
  });
});

describe("planner edge cases", () => {
  it("a zero baseline with a relative MDE is a zero effect, not NaN", () => {
    expect(sampleSizeProportions({ baselineRate: 0, mde: 0.1 })).toMatchObject({
      status: "zero-effect",
      perVariant: null,
      total: null,
    });
  });
  it("a zero baseline with an absolute MDE is plannable", () => {
    const r = sampleSizeProportions({ baselineRate: 0, mde: 0.01, relative: false });
    expect(r.status).toBe("ok");
    expect(r.perVariant).toBeGreaterThan(0);
  });
  it("zero mean difference is a zero effect", () => {
    expect(sampleSizeMeans({ sd: 1, mde: 0 }).status).toBe("zero-effect");
  });
  it("too few units for power gives insufficient-data", () => {
    expect(powerMeans({ sd: 1, mde: 1, perVariant: 1 }).status).toBe("insufficient-data");
    expect(minimumDetectableEffectProportions({ baselineRate: 1, perVariant: 100 }).status).toBe(
      "insufficient-data",
    );
  });
  it("invalid arguments throw RangeError naming the argument", () => {
    expect(() => sampleSizeProportions({ baselineRate: 0.1, mde: 0.1, alpha: 1.5 })).toThrow(/alpha/);
    expect(() => sampleSizeProportions({ baselineRate: 0.1, mde: 0.1, power: 0 })).toThrow(RangeError);
    expect(() => sampleSizeProportions({ baselineRate: 1.2, mde: 0.1 })).toThrow(/baselineRate/);
    expect(() => sampleSizeProportions({ baselineRate: 0.5, mde: 2 })).toThrow(/mde/);
    expect(() => sampleSizeProportions({ baselineRate: 0.5, mde: 0.1, variants: 1 })).toThrow(/variants/);
    expect(() => sampleSizeMeans({ sd: -1, mde: 1 })).toThrow(/sd/);
    expect(() => powerMeans({ sd: 1, mde: 1, perVariant: -5 })).toThrow(/perVariant/);
  });
});
