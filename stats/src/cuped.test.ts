import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import { cuped } from "./cuped.js";
import { welchTTest } from "./t-test.js";

describe("cuped matches R lm(y ~ arm + x) and var(y - theta * x)", () => {
  it.each(cases("cuped"))("$r (n = $control.n)", (c) => {
    const r = cuped(c.control, c.treatment);
    expect(r.status).toBe("ok");
    expectClose(r.theta, c.theta);
    expectClose((r.treatment?.mean ?? 0) - (r.control?.mean ?? 0), c.estimate);
    expectClose(r.control?.variance, c.controlVariance);
    expectClose(r.treatment?.variance, c.treatmentVariance);
    expect(r.varianceReduction).toBeGreaterThan(0.5); // corr(x, y) ≈ 0.77 in the generated data
    if (r.status === "ok") {
      const adjusted = welchTTest(r.control, r.treatment);
      const raw = welchTTest(c.control, c.treatment);
      expect(adjusted.standardError).toBeLessThan(raw.standardError ?? 0);
    }
  });
  it("a covariate without variance is insufficient-data", () => {
    const s = { n: 10, mean: 1, variance: 1, covariateMean: 2, covariateVariance: 0, covariance: 0 };
    expect(cuped(s, s)).toMatchObject({ status: "insufficient-data", theta: null });
  });
  it("throws RangeError naming the argument", () => {
    const s = { n: 10, mean: 1, variance: 1, covariateMean: 2, covariateVariance: 1, covariance: 0.5 };
    expect(() => cuped({ ...s, covariateVariance: -1 }, s)).toThrow(/control\.covariateVariance/);
  });
});
