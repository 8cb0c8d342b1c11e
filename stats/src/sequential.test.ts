import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import { minimumDetectableEffectProportions, powerProportions } from "./sample-size.js";
import {
  sequentialCriticalValue,
  sequentialMinimumDetectableEffect,
  sequentialPower,
  sequentialSampleSize,
  sequentialTest,
} from "./sequential.js";
import { welchTTest } from "./t-test.js";

describe("sequentialTest follows Waudby-Smith et al. 2023 (cross-checked in R, make-vectors.R)", () => {
  it.each(cases("sequential"))("$r (n = $control.n/$treatment.n)", (c) => {
    const r = sequentialTest(c.control, c.treatment, { alpha: c.alpha, tuning: c.tuning });
    expect(r.status).toBe("ok");
    expectClose(r.estimate, c.estimate);
    expectClose(r.ci?.[0], c.ci[0]);
    expectClose(r.ci?.[1], c.ci[1]);
    expectClose(r.pValue, c.pValue);
  });

  it("the p-value crosses alpha exactly when the sequence excludes 0", () => {
    const control = { n: 3000, mean: 10, variance: 9 };
    for (const mean of [10.1, 10.2, 10.3, 10.4, 10.5]) {
      const r = sequentialTest(control, { n: 3000, mean, variance: 9 });
      const excludes = (r.ci?.[0] ?? 0) > 0 || (r.ci?.[1] ?? 0) < 0;
      expect((r.pValue ?? 1) < 0.05).toBe(excludes);
    }
  });

  it("is wider than the fixed-horizon interval (the price of peeking)", () => {
    const c = { n: 2500, mean: 10, variance: 9 };
    const t = { n: 2500, mean: 10.2, variance: 9 };
    const s = sequentialTest(c, t);
    const w = welchTTest(c, t);
    expect((s.ci?.[1] ?? 0) - (s.ci?.[0] ?? 0)).toBeGreaterThan((w.ci?.[1] ?? 0) - (w.ci?.[0] ?? 0));
  });

  it("accepts proportion summaries and relative lift", () => {
    const r = sequentialTest(
      { users: 20000, conversions: 2000 },
      { users: 20000, conversions: 2400 },
      { relative: true },
    );
    expect(r.status).toBe("ok");
    expectClose(r.estimate, 0.2);
    expect(r.pValue).toBeLessThan(0.05);
  });

  it("degenerate data is insufficient-data", () => {
    expect(sequentialTest({ n: 1, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 1 }).status).toBe(
      "insufficient-data",
    );
    expect(sequentialTest({ users: 100, conversions: 0 }, { users: 100, conversions: 0 })).toMatchObject({
      status: "insufficient-data",
      pValue: null,
    });
    expect(
      sequentialTest({ n: 10, mean: 0, variance: 1 }, { n: 10, mean: 1, variance: 1 }, { relative: true })
        .status,
    ).toBe("insufficient-data");
  });

  it("throws RangeError naming the argument", () => {
    const ok = { n: 10, mean: 1, variance: 1 };
    expect(() => sequentialTest(ok, ok, { alpha: -0.1 })).toThrow(/alpha/);
    expect(() => sequentialTest(ok, ok, { tuning: 0 })).toThrow(/tuning/);
  });
});

describe("sequentialCriticalValue: the sequence's half-width over the standard error", () => {
  it.each(cases("sequentialCritical"))(
    "$r (N = $input.n, N* = $input.tuning, m = $input.comparisons)",
    (c) => {
      expectClose(sequentialCriticalValue(c.input), c.criticalValue);
    },
  );

  it("equals sequentialTest's half-width / se, and is ~1.55 x z(0.975) at N = N* (issue 11)", () => {
    const control = { n: 2500, mean: 10, variance: 9 };
    const treatment = { n: 2500, mean: 10.2, variance: 16 };
    const r = sequentialTest(control, treatment, { tuning: 5000 });
    const se = Math.sqrt(9 / 2500 + 16 / 2500);
    expectClose(sequentialCriticalValue({ n: 5000, tuning: 5000 }), (r.halfWidth as number) / se, 1e-12);
    // qnorm(0.975) = 1.959964; seq_c(5000, 5000, 0.05, 1) = 3.035209 (make-vectors.R)
    expectClose(sequentialCriticalValue({ n: 5000, tuning: 5000 }) / 1.959963984540054, 1.548605, 1e-6);
  });

  it("with m comparisons the sequential p-value crosses alpha/m exactly at c", () => {
    const c = sequentialCriticalValue({ n: 4000, tuning: 5000, comparisons: 3 });
    const se = Math.sqrt(2 / 2000);
    const at = (z: number) =>
      sequentialTest({ n: 2000, mean: 0, variance: 1 }, { n: 2000, mean: z * se, variance: 1 }).pValue;
    expect(at(c * 1.0001)).toBeLessThan(0.05 / 3);
    expect(at(c * 0.9999)).toBeGreaterThan(0.05 / 3);
  });

  it("throws RangeError naming the argument", () => {
    expect(() => sequentialCriticalValue({ n: 0 })).toThrow(/n must be > 0/);
    expect(() => sequentialCriticalValue({ n: 10, tuning: -1 })).toThrow(/tuning/);
    expect(() => sequentialCriticalValue({ n: 10, alpha: 1 })).toThrow(/alpha/);
    expect(() => sequentialCriticalValue({ n: 10, comparisons: 1.5 })).toThrow(/comparisons/);
  });
});

describe("sequentialPower: single-look power of the always-valid test (R seq_pow, make-vectors.R)", () => {
  it.each(cases("sequentialPower"))("$r ($input.perVariant per arm, N* = $input.tuning)", (c) => {
    const r = sequentialPower(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.power, c.power);
  });

  it("at N = N* it is about half the fixed-horizon power the planner promised (issue 11)", () => {
    // power.prop.test(p1 = 0.2, p2 = 0.25, n = 1094)$power = 0.80009; seq_pow gives 0.40914
    const fixed = powerProportions({ baselineRate: 0.2, mde: 0.25, perVariant: 1094 });
    const seq = sequentialPower({ baselineRate: 0.2, mde: 0.25, perVariant: 1094, tuning: 2188 });
    expectClose(fixed.power, 0.8000936660046919);
    expectClose(seq.power, 0.409136336420137);
  });

  it("degenerate data is insufficient-data, bad arguments throw RangeError", () => {
    expect(sequentialPower({ baselineRate: 0, mde: 0, relative: false, perVariant: 100 })).toMatchObject({
      status: "insufficient-data",
      power: null,
    });
    expect(sequentialPower({ sd: 1, mde: 1, perVariant: 1 }).status).toBe("insufficient-data");
    expect(() => sequentialPower({ sd: 0, mde: 1, perVariant: 10 })).toThrow(/sd/);
    expect(() => sequentialPower({ sd: 1, mde: 1, perVariant: -1 })).toThrow(/perVariant/);
    expect(() => sequentialPower({ sd: 1, mde: 1, perVariant: 10, comparisons: 0 })).toThrow(/comparisons/);
    expect(() => sequentialPower({ baselineRate: 0.5, mde: 2, perVariant: 10 })).toThrow(/mde/);
  });
});

describe("sequentialSampleSize: n for the requested power at one look, and the cost of sequential", () => {
  it.each(cases("sequentialSampleSize"))("$r", (c) => {
    const r = sequentialSampleSize(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.perVariantExact, c.n);
    expect(r.perVariant).toBe(Math.ceil(c.n));
    expect(r.fixedHorizonPerVariant).toBe(Math.ceil(c.fixedHorizonN));
    expectClose(r.inflation, c.inflation);
    expectClose(
      sequentialPower({ ...c.input, perVariant: r.perVariantExact as number }).power,
      c.input.power,
    );
  });

  it("counts total over all variants; zero effects and no variance are statuses", () => {
    const r = sequentialSampleSize({ sd: 1, mde: 0.2, tuning: 788, variants: 3 });
    expect(r.total).toBe((r.perVariant as number) * 3);
    expect(sequentialSampleSize({ sd: 1, mde: 0 }).status).toBe("zero-effect");
    expect(sequentialSampleSize({ baselineRate: 0, mde: 0.1 }).status).toBe("zero-effect");
    expect(sequentialSampleSize({ baselineRate: 1, mde: 0, relative: false }).status).toBe("zero-effect");
    expect(sequentialSampleSize({ baselineRate: 0, mde: 1, relative: false })).toMatchObject({
      status: "insufficient-data",
      inflation: null,
    });
    expect(() => sequentialSampleSize({ sd: 1, mde: 0.2, power: 1 })).toThrow(/power/);
    expect(() => sequentialSampleSize({ sd: 1, mde: 0.2, variants: 1 })).toThrow(/variants/);
  });
});

describe("sequentialMinimumDetectableEffect: the effect the always-valid test detects at one look", () => {
  it.each(cases("sequentialMde"))("$r ($input.perVariant per arm)", (c) => {
    const r = sequentialMinimumDetectableEffect(c.input);
    expect(r.status).toBe("ok");
    expectClose(r.absolute, c.absolute);
    if (c.relative !== undefined) expectClose(r.relative, c.relative);
    else expect(r.relative).toBeNull();
    // It inverts sequentialPower: at that effect the power is the requested one.
    const at =
      c.input.baselineRate !== undefined
        ? sequentialPower({ ...c.input, mde: r.absolute as number, relative: false })
        : sequentialPower({ ...c.input, mde: r.absolute as number });
    expectClose(at.power, c.input.power);
  });

  it("is larger than the fixed-horizon MDE at the same units (the price of looking any time)", () => {
    const fixed = minimumDetectableEffectProportions({ baselineRate: 0.1, perVariant: 5000 });
    const seq = sequentialMinimumDetectableEffect({ baselineRate: 0.1, perVariant: 5000 });
    expect(seq.absolute as number).toBeGreaterThan(fixed.absolute as number);
  });

  it("degenerate inputs are insufficient-data, bad arguments throw RangeError", () => {
    expect(sequentialMinimumDetectableEffect({ baselineRate: 1, perVariant: 100 }).status).toBe(
      "insufficient-data",
    );
    expect(sequentialMinimumDetectableEffect({ baselineRate: 0.5, perVariant: 3 }).status).toBe(
      "insufficient-data",
    );
    expect(sequentialMinimumDetectableEffect({ sd: 1, perVariant: 1 })).toMatchObject({
      status: "insufficient-data",
      absolute: null,
    });
    expect(() => sequentialMinimumDetectableEffect({ sd: 0, perVariant: 10 })).toThrow(/sd/);
    expect(() => sequentialMinimumDetectableEffect({ baselineRate: 1.5, perVariant: 10 })).toThrow(
      /baselineRate/,
    );
  });
});
