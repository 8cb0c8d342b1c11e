import { describe, expect, it } from "vitest";
import { cases, expectClose, num } from "../test/reference/vectors.js";
import { proportionsTest } from "./proportions.js";

describe("proportionsTest matches R prop.test(correct = FALSE) and the delta-method formula", () => {
  it.each(cases("proportions"))("$r", (c) => {
    const r = proportionsTest(c.control, c.treatment, { alpha: c.alpha, alternative: c.alternative });
    expect(r.status).toBe("ok");
    expectClose(r.z, c.z);
    expectClose(r.pValue, c.pValue);
    expectClose(r.estimate, c.estimate);
    expectClose(r.ci?.[0], c.ci[0]);
    expectClose(r.ci?.[1], c.ci[1]);
    // relative lift: rRelative formula in make-vectors.R
    expectClose(r.relative?.estimate, c.relative.estimate);
    expectClose(r.relative?.ci[0], num(c.relative.ci[0]));
    expectClose(r.relative?.ci[1], num(c.relative.ci[1]));
  });
});

describe("proportionsTest degenerate data and invalid arguments", () => {
  it("no conversions anywhere is insufficient-data, not NaN", () => {
    const r = proportionsTest({ users: 500, conversions: 0 }, { users: 500, conversions: 0 });
    expect(r).toMatchObject({
      status: "insufficient-data",
      pValue: null,
      estimate: null,
      reason: expect.stringMatching(/no conversions/),
    });
  });
  it("all conversions is insufficient-data", () => {
    expect(proportionsTest({ users: 10, conversions: 10 }, { users: 12, conversions: 12 }).status).toBe(
      "insufficient-data",
    );
  });
  it("an arm with fewer than 2 users is insufficient-data", () => {
    expect(proportionsTest({ users: 1, conversions: 1 }, { users: 100, conversions: 3 }).status).toBe(
      "insufficient-data",
    );
  });
  it("zero control conversions leaves the absolute test and drops the relative lift", () => {
    const r = proportionsTest({ users: 1000, conversions: 0 }, { users: 1000, conversions: 9 });
    expect(r.status).toBe("ok");
    expect(r.relative).toBeNull();
    expect(r.pValue).toBeLessThan(0.01);
  });
  it("throws RangeError naming the argument", () => {
    const ok = { users: 100, conversions: 10 };
    expect(() => proportionsTest(ok, ok, { alpha: 0 })).toThrow(/alpha/);
    expect(() => proportionsTest({ users: -1, conversions: 0 }, ok)).toThrow(/control\.users/);
    expect(() => proportionsTest(ok, { users: 10, conversions: 11 })).toThrow(/treatment\.conversions/);
    // biome-ignore lint/suspicious/noExplicitAny: deliberately invalid input from untyped callers
    expect(() => proportionsTest(ok, ok, { alternative: "bigger" as any })).toThrow(/alternative/);
  });
});
