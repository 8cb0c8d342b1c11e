import { describe, expect, it } from "vitest";
import { cases, expectClose } from "../test/reference/vectors.js";
import { sequentialTest } from "./sequential.js";
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
