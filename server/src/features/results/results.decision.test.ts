/** Unit tests of the decision rules (results.decision.ts) on pure inputs. */
import {
  powerMeans,
  powerProportions,
  sampleSizeProportions,
  sequentialPower,
  sequentialSampleSize,
} from "@splitlab/stats";
import { describe, expect, it } from "vitest";
import type { Comparison, MetricReport } from "./results.analysis.js";
import {
  checkHealth,
  computePower,
  decide,
  type Health,
  type PowerReport,
  type SrmSummary,
} from "./results.decision.js";

type Direction = Comparison["direction"];

/** A metric report with a 20 % control rate, `units` per variant and the given comparison directions. */
function metric(
  key: string,
  kind: "primary" | "guardrail",
  directions: Direction[],
  o: { units?: number; rate?: number; type?: "binomial" | "count"; mean?: number; variance?: number } = {},
): MetricReport {
  const { units = 1000, rate = 0.2, type = "binomial" } = o;
  const variant = (name: string) => ({
    variant: name,
    units,
    mean: type === "binomial" ? rate : (o.mean ?? 10),
    variance: type === "binomial" ? (rate * (1 - rate) * units) / (units - 1) : (o.variance ?? 4),
    sum: Math.round(rate * units),
    ...(type === "binomial" ? { conversions: Math.round(rate * units) } : {}),
  });
  return {
    metric: key,
    name: key,
    type,
    kind,
    direction: "increase",
    variants: [variant("control"), ...directions.map((_, i) => variant(`t${i + 1}`))],
    comparisons: directions.map((direction, i) => ({
      variant: `t${i + 1}`,
      control: "control",
      status: "ok",
      test: "two-proportion-z",
      absolute: { estimate: 0, ci: [0, 0] },
      relative: { estimate: 0, ci: [0, 0] },
      pValue: 0.5,
      adjustedPValue: 0.5,
      significant: direction !== "flat",
      direction,
    })),
  };
}

const okSrm: SrmSummary = {
  pValue: 0.5,
  mismatch: false,
  observed: [1000, 1000],
  expected: [1000, 1000],
  variants: ["control", "t1"],
};
const health = (o: { srm?: SrmSummary; multi?: number; units?: number[]; metrics?: MetricReport[] } = {}) =>
  checkHealth({
    srm: o.srm ?? okSrm,
    multipleExposures: o.multi ?? 0,
    units: o.units ?? [1000, 1000],
    metrics: o.metrics ?? [metric("converted", "primary", ["flat"])],
  });
const power = (achieved: number | null, over: Partial<PowerReport> = {}): PowerReport => ({
  achieved,
  mde: 0.05,
  metric: "converted",
  test: "sequential",
  comparisons: 1,
  alpha: 0.05,
  target: 0.8,
  ...over,
});
const check = (h: Health, name: string) => h.checks.find((c) => c.check === name);

describe("checkHealth", () => {
  it("all checks ok on clean data, each with a sentence", () => {
    const h = health();
    expect(h.status).toBe("ok");
    expect(h.checks.map((c) => [c.check, c.status])).toEqual([
      ["srm", "ok"],
      ["multiple-exposures", "ok"],
      ["sample-size", "ok"],
    ]);
    for (const c of h.checks) expect(c.message.length).toBeGreaterThan(20);
  });
  it("SRM is a problem with the observed and planned split in the sentence", () => {
    const h = health({ srm: { ...okSrm, pValue: 1e-6, mismatch: true, observed: [1100, 900] } });
    expect(h.status).toBe("problem");
    expect(check(h, "srm")).toMatchObject({ status: "problem", value: 1e-6, threshold: 0.001 });
    expect(check(h, "srm")?.message).toMatch(/1100\/900.*1000\/1000/);
    expect(check(h, "srm")?.message).toMatch(/\(p = 1\.00e-6 < 0\.001\)/);
    // A skew so large that the chi-square tail underflows to 0 (500k/462k units in the
    // 1M-user demo) reads "< 1e-300", not "= 0.00e+0".
    const huge = health({ srm: { ...okSrm, pValue: 0, mismatch: true, observed: [499900, 461812] } });
    expect(check(huge, "srm")?.message).toMatch(/\(p < 1e-300 < 0\.001\)/);
  });
  it("multiple exposures: 1 % is fine, just above 1 % is a problem", () => {
    // 20 of 2,000 exposed units = 1 % exactly (not above); 21 of 2,001 = 1.05 %
    expect(check(health({ multi: 20, units: [990, 990] }), "multiple-exposures")?.status).toBe("ok");
    const h = health({ multi: 21, units: [990, 990] });
    expect(check(h, "multiple-exposures")).toMatchObject({ status: "problem", value: 21 / 2001 });
    expect(check(h, "multiple-exposures")?.message).toMatch(
      /21 of 2,001 units \(1\.05 %\) saw more than one variant/,
    );
    expect(h.status).toBe("problem");
  });
  it("too few units or conversions is a warning; nothing exposed is not-checked", () => {
    expect(check(health({ units: [99, 1000] }), "sample-size")).toMatchObject({
      status: "warning",
      value: 99,
    });
    const fewConversions = health({ metrics: [metric("converted", "primary", ["flat"], { rate: 0.005 })] });
    expect(check(fewConversions, "sample-size")?.message).toMatch(/converted has 5 conversions/);
    const empty = health({ srm: { ...okSrm, pValue: null }, units: [0, 0] });
    expect(check(empty, "srm")?.status).toBe("not-checked");
    expect(check(empty, "multiple-exposures")?.status).toBe("not-checked");
    expect(empty.status).toBe("warning");
  });
});

describe("decide: one test per rule, in order", () => {
  const primary = (...d: Direction[]) => metric("converted", "primary", d);
  const guardrail = (...d: Direction[]) => metric("errors", "guardrail", d);

  it("1. SRM: investigate, whatever the metrics say", () => {
    const h = health({ srm: { ...okSrm, pValue: 1e-9, mismatch: true } });
    const d = decide([primary("better")], h, power(0.9));
    expect(d.recommendation).toBe("investigate");
    expect(d.reasons[0]).toMatch(/Sample ratio mismatch/);
  });
  it("2. not enough data", () => {
    const d = decide([primary("better")], health({ units: [50, 50] }), power(0.9));
    expect(d).toEqual({ recommendation: "not-enough-data", reasons: [expect.stringMatching(/50 units/)] });
  });
  it("3. ship the significantly better variant", () => {
    const d = decide([primary("better")], health(), power(0.9));
    expect(d).toMatchObject({ recommendation: "ship", variant: "t1" });
  });
  it("3. a health problem (multiple exposures above 1 %) blocks ship: investigate, with both reasons", () => {
    const d = decide([primary("better")], health({ multi: 100, units: [1000, 1000] }), power(0.9));
    expect(d.recommendation).toBe("investigate");
    expect(d.variant).toBeUndefined();
    expect(d.reasons.join(" ")).toMatch(/t1 is significantly better/);
    expect(d.reasons.join(" ")).toMatch(/t1 would ship, but a health problem blocks it: multiple-exposures/);
    expect(d.reasons.join(" ")).toMatch(/saw more than one variant/);
  });
  it("4. a winner with a worse guardrail is inconclusive", () => {
    const d = decide([primary("better"), guardrail("worse")], health(), power(0.9));
    expect(d.recommendation).toBe("inconclusive");
    expect(d.reasons.join(" ")).toMatch(/guardrail errors is significantly worse in t1/);
  });
  it("5. worse and nothing better: roll back (a health problem does not block rolling back)", () => {
    expect(decide([primary("worse")], health(), power(0.9)).recommendation).toBe("roll-back");
    const d = decide([primary("flat"), guardrail("worse")], health({ multi: 100 }), power(0.9));
    expect(d.recommendation).toBe("roll-back");
    expect(d.reasons.join(" ")).toMatch(/more than one variant/);
  });
  it("6. no primary metric: inconclusive", () => {
    const d = decide([guardrail("flat")], health({ metrics: [] }), power(null));
    expect(d.recommendation).toBe("inconclusive");
  });
  it("7. nothing significant and underpowered: keep running, naming the test and the days left", () => {
    const d = decide([primary("flat")], health(), power(0.41, { daysLeft: 9 }));
    expect(d.recommendation).toBe("keep-running");
    expect(d.reasons[0]).toMatch(/always-valid test to detect a 5\.0% change is 41%, about 9 more days/);
  });
  it("8. nothing significant with adequate power: inconclusive; unknown power says so", () => {
    expect(decide([primary("flat")], health(), power(0.85)).reasons[0]).toMatch(/adequate power/);
    const d = decide([primary("flat")], health(), power(null, { reason: "the control has no variance" }));
    expect(d.recommendation).toBe("inconclusive");
    expect(d.reasons[0]).toMatch(/power unknown \(the control has no variance\)/);
  });
});

describe("computePower: the power of the test that decides", () => {
  const analysis = { alpha: 0.05, sequential: false, correction: "holm" as const };
  const base = { analysis, mde: 0.25, elapsedDays: 2, running: true };
  const rate = 0.2;

  it("fixed horizon, 2 arms: R power.prop.test at alpha", () => {
    const p = computePower({ ...base, metrics: [metric("converted", "primary", ["flat"], { units: 500 })] });
    // power.prop.test(n = 500, p1 = 0.2, p2 = 0.25)
    expect(p.achieved).toBeCloseTo(
      powerProportions({ baselineRate: rate, mde: 0.25, perVariant: 500 }).power!,
      12,
    );
    expect(p).toMatchObject({ test: "fixed-horizon", comparisons: 1, alpha: 0.05, target: 0.8 });
    const needed = sampleSizeProportions({ baselineRate: rate, mde: 0.25, power: 0.8 }).perVariant!;
    expect(p.neededPerVariant).toBe(needed); // 1094
    // each arm grew 250/day; the smallest needs (1094 - 500) more: ceil(2 * (1094/500 - 1)) = 3 days
    expect(p.daysLeft).toBe(Math.ceil(2 * (needed / 500 - 1)));
    expect(p.unitsPerDay).toBe(500);
  });
  it("the family is treatments x primary metrics with a correction, 1 without", () => {
    const metrics = [
      metric("converted", "primary", ["flat", "flat"], { units: 500 }),
      metric("orders", "primary", ["flat", "flat"], { units: 500 }),
      metric("errors", "guardrail", ["flat", "flat"], { units: 500 }),
    ];
    const holm = computePower({ ...base, metrics });
    expect(holm).toMatchObject({ comparisons: 4, alpha: 0.0125 });
    expect(holm.achieved).toBeCloseTo(
      powerProportions({ baselineRate: rate, mde: 0.25, perVariant: 500, alpha: 0.0125 }).power!,
      12,
    );
    const none = computePower({ ...base, metrics, analysis: { ...analysis, correction: "none" } });
    expect(none).toMatchObject({ comparisons: 1, alpha: 0.05 });
  });
  it("sequential: the confidence sequence's power at the current N and its N*", () => {
    const p = computePower({
      ...base,
      analysis: { ...analysis, sequential: true },
      sequentialTuning: 2188,
      metrics: [metric("converted", "primary", ["flat"], { units: 1094 })],
    });
    const input = { baselineRate: rate, mde: 0.25, tuning: 2188 };
    expect(p.test).toBe("sequential");
    expect(p.achieved).toBeCloseTo(sequentialPower({ ...input, perVariant: 1094 }).power!, 12);
    expect(p.neededPerVariant).toBe(sequentialSampleSize(input).perVariant);
  });
  it("continuous metrics plan with the control's sd and a change of mde x its mean", () => {
    const m = metric("revenue", "primary", ["flat"], { type: "count", units: 400, mean: 10, variance: 900 });
    const p = computePower({ ...base, mde: 0.1, metrics: [m] });
    // power.t.test(n = 400, delta = 1, sd = 30)
    expect(p.achieved).toBeCloseTo(powerMeans({ sd: 30, mde: 1, perVariant: 400 }).power!, 12);
  });
  it("the smallest arm counts and days left use its own growth; stopped experiments get no days left", () => {
    const m = metric("converted", "primary", ["flat"], { units: 1000 });
    m.variants[1] = { ...m.variants[1]!, units: 400 };
    const p = computePower({ ...base, metrics: [m] });
    expect(p.achieved).toBeCloseTo(
      powerProportions({ baselineRate: rate, mde: 0.25, perVariant: 400 }).power!,
      12,
    );
    expect(p.daysLeft).toBe(Math.ceil(2 * (1094 / 400 - 1)));
    const stopped = computePower({ ...base, running: false, metrics: [m] });
    expect(stopped.daysLeft).toBeUndefined();
    expect(stopped.neededPerVariant).toBe(1094);
  });
  it("degenerate inputs give null with a reason, never NaN", () => {
    expect(computePower({ ...base, metrics: [] })).toMatchObject({
      achieved: null,
      reason: expect.stringMatching(/no primary/),
    });
    const zero = computePower({ ...base, metrics: [metric("converted", "primary", ["flat"], { rate: 0 })] });
    expect(zero).toMatchObject({ achieved: null, reason: expect.stringMatching(/rate is 0 or 1/) });
    const early = computePower({ ...base, elapsedDays: null, metrics: [metric("c", "primary", ["flat"])] });
    expect(early.unitsPerDay).toBeUndefined();
    expect(early.daysLeft).toBeUndefined();
    expect(early.achieved).toBeGreaterThan(0);
  });
});
