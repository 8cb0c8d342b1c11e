import { describe, expect, it } from "vitest";
import { cases, expectClose, num } from "../test/reference/vectors.js";
import { welchTTest } from "./t-test.js";

describe("welchTTest matches R t.test(var.equal = FALSE) and the delta-method formula", () => {
  it.each(cases("welch"))("$r ($alternative, n = $control.n/$treatment.n)", (c) => {
    const r = welchTTest(c.control, c.treatment, { alpha: c.alpha, alternative: c.alternative });
    expect(r.status).toBe("ok");
    expectClose(r.t, c.t);
    expectClose(r.df, c.df);
    expectClose(r.pValue, c.pValue);
    expectClose(r.estimate, c.estimate);
    expectClose(r.ci?.[0], num(c.ci[0]));
    expectClose(r.ci?.[1], num(c.ci[1]));
    // relative lift: rRelative formula in make-vectors.R (qt/pt at the Welch df, gbstats convention)
    expectClose(r.relative?.estimate, c.relative.estimate);
    expectClose(r.relative?.ci[0], num(c.relative.ci[0]));
    expectClose(r.relative?.ci[1], num(c.relative.ci[1]));
    expectClose(r.relative?.pValue, c.relative.pValue);
  });
});

describe("welchTTest relative lift uses the t quantile with the Welch–Satterthwaite df", () => {
  // Convention of GrowthBook gbstats, packages/stats/gbstats/frequentist/tests.py (commit 0336b283):
  // TTest.dof is the Welch–Satterthwaite df, TwoSidedTTest.confidence_interval is
  // point_estimate ± t.ppf(1 − alpha/2, dof)·sqrt(variance) and p_value is 2·(1 − t.cdf(|z|, dof)).
  it("relative and absolute intervals have the same critical value (qt(0.975, df)), not qnorm", () => {
    // A small sample (Welch df ≈ 12.4, qt(0.975, 12.4) ≈ 2.17) makes t and normal quantiles differ by ~10 %.
    const r = welchTTest({ n: 30, mean: 5, variance: 1 }, { n: 12, mean: 5.9, variance: 6.25 });
    if (r.status !== "ok" || r.relative === null) throw new Error("expected an ok result");
    const absoluteQ = (r.ci[1] - r.estimate) / r.standardError;
    const relativeQ = (r.relative.ci[1] - r.relative.estimate) / r.relative.standardError;
    expectClose(relativeQ, absoluteQ, 1e-12);
    // R: qt(0.975, df) with df from t.test; qnorm(0.975) = 1.959964 would be ~10 % narrower.
    expect(relativeQ).toBeGreaterThan(2.1);
    // The p-value agrees with the interval: it is below alpha exactly when the interval excludes 0.
    expect(r.relative.pValue < 0.05).toBe(r.relative.ci[0] > 0 || r.relative.ci[1] < 0);
  });
});

describe("welchTTest degenerate data and invalid arguments", () => {
  it("n < 2 is insufficient-data", () => {
    const r = welchTTest({ n: 1, mean: 3, variance: 0 }, { n: 50, mean: 3.2, variance: 1 });
    expect(r).toMatchObject({ status: "insufficient-data", t: null, pValue: null });
  });
  it("zero variance in both arms is insufficient-data", () => {
    expect(welchTTest({ n: 10, mean: 1, variance: 0 }, { n: 10, mean: 2, variance: 0 }).status).toBe(
      "insufficient-data",
    );
  });
  it("zero variance in one arm still works (df from the other arm)", () => {
    const r = welchTTest({ n: 10, mean: 1, variance: 0 }, { n: 21, mean: 2, variance: 4 });
    expect(r.status).toBe("ok");
    expectClose(r.df, 20); // Welch-Satterthwaite reduces to n_t - 1
  });
  it("a zero control mean drops the relative lift only", () => {
    const r = welchTTest({ n: 100, mean: 0, variance: 1 }, { n: 100, mean: 0.5, variance: 1 });
    expect(r.status).toBe("ok");
    expect(r.relative).toBeNull();
  });
  it("throws RangeError naming the argument", () => {
    const ok = { n: 10, mean: 1, variance: 1 };
    expect(() => welchTTest(ok, ok, { alpha: 1 })).toThrow(/alpha/);
    expect(() => welchTTest({ ...ok, variance: -1 }, ok)).toThrow(/control\.variance/);
    expect(() => welchTTest(ok, { ...ok, n: 2.5 }, {})).toThrow(/treatment\.n/);
    expect(() => welchTTest(ok, { ...ok, mean: Number.NaN })).toThrow(/treatment\.mean/);
  });
});
