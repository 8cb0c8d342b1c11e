import {
  minimumDetectableEffectMeans,
  minimumDetectableEffectProportions,
  sampleSizeMeans,
  sampleSizeProportions,
  sequentialMinimumDetectableEffect,
  sequentialSampleSize,
} from "@splitlab/stats";
import { describe, expect, it } from "vitest";
import { computePlan, computePlanDetails, DEFAULT_PLAN, type PlanInput } from "./plan.js";
import { planFromSearch, plannedExperimentSearch, planToSearch, readPlannedExperiment } from "./plan-url.js";

// Every expected number below is the stats library's own result for the same inputs: the
// planner must show exactly what the functions (checked against R power.prop.test /
// power.t.test and make-vectors.R's seq_pow) compute, with the report's settings.
const plan = (input: Partial<PlanInput>) => {
  const r = computePlan({ ...DEFAULT_PLAN, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
};

describe("computePlan uses the stats functions with the report's settings", () => {
  it("rates, relative MDE, two variants: sampleSizeProportions, days at daily units × coverage", () => {
    const p = plan({ baseline: 0.04, mde: 0.1, dailyUnits: 2000, coverage: 0.5 });
    const ref = sampleSizeProportions({ baselineRate: 0.04, mde: 0.1, alpha: 0.05, power: 0.8, variants: 2 });
    expect(p.fixed.perVariant).toBe(ref.perVariant);
    expect(p.fixed.total).toBe(ref.total);
    expect(p.fixed.days).toBe(Math.ceil((ref.total as number) / 1000));
    expect(p.chosen).toEqual(p.fixed);
    expect(p.weeks).toBe(Math.ceil(p.fixed.days / 7));
    expect(p.sequential).toBeNull();
  });

  it("three variants with Holm: alpha / 2 per comparison, and the sequential plan at comparisons = 2", () => {
    const p = plan({ baseline: 0.1, mde: 0.05, variants: 3, sequential: true });
    const fixed = sampleSizeProportions({
      baselineRate: 0.1,
      mde: 0.05,
      alpha: 0.025,
      power: 0.8,
      variants: 3,
    });
    const seq = sequentialSampleSize({
      baselineRate: 0.1,
      mde: 0.05,
      alpha: 0.05,
      power: 0.8,
      variants: 3,
      tuning: 5000,
      comparisons: 2,
    });
    expect(p.comparisons).toBe(2);
    expect(p.comparisonAlpha).toBe(0.025);
    expect(p.fixed.perVariant).toBe(fixed.perVariant);
    expect(p.sequential?.perVariant).toBe(seq.perVariant);
    expect(p.sequential?.inflation).toBe(seq.inflation);
    expect(p.chosen.perVariant).toBe(seq.perVariant);
    // Without the correction the full alpha goes to the one comparison that counts.
    const uncorrected = plan({ baseline: 0.1, mde: 0.05, variants: 3, correction: false });
    expect(uncorrected.fixed.perVariant).toBe(
      sampleSizeProportions({ baselineRate: 0.1, mde: 0.05, alpha: 0.05, power: 0.8, variants: 3 })
        .perVariant,
    );
  });

  it("absolute MDE on a rate is in rate units (0.01 = 1 percentage point)", () => {
    const p = plan({ baseline: 0.2, mdeMode: "absolute", mde: 0.01 });
    expect(p.fixed.perVariant).toBe(
      sampleSizeProportions({ baselineRate: 0.2, mde: 0.01, relative: false }).perVariant,
    );
    expect(p.relativeEffect).toBeCloseTo(0.05, 12);
  });

  it("means: relative MDE × |baseline| is the absolute difference sampleSizeMeans plans for", () => {
    const p = plan({ kind: "mean", baseline: 50, sd: 20, mde: 0.04, power: 0.9 });
    const ref = sampleSizeMeans({ sd: 20, mde: 2, alpha: 0.05, power: 0.9, variants: 2 });
    expect(p.fixed.perVariant).toBe(ref.perVariant);
    expect(p.absoluteEffect).toBeCloseTo(2, 12);
  });

  it("the week table is the MDE at the units of 1..8 weeks (fixed and sequential)", () => {
    const p = computePlanDetails({
      ...DEFAULT_PLAN,
      baseline: 0.1,
      dailyUnits: 1000,
      coverage: 0.8,
      sequential: true,
    });
    expect(p.weekTable.map((w) => w.weeks)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const w3 = p.weekTable[2]!;
    expect(w3.perVariant).toBe(Math.floor((800 * 21) / 2));
    const fixed = minimumDetectableEffectProportions({ baselineRate: 0.1, perVariant: w3.perVariant });
    const seq = sequentialMinimumDetectableEffect({
      baselineRate: 0.1,
      perVariant: w3.perVariant,
      tuning: 5000,
    });
    expect(w3.fixed).toEqual({ relative: fixed.relative, absolute: fixed.absolute });
    expect(w3.sequential).toEqual({ relative: seq.relative, absolute: seq.absolute });
    const mean = computePlanDetails({ ...DEFAULT_PLAN, kind: "mean", baseline: 40, sd: 10, dailyUnits: 500 })
      .weekTable[0]!;
    const m = minimumDetectableEffectMeans({ sd: 10, perVariant: mean.perVariant });
    expect(mean.fixed).toEqual({ absolute: m.absolute, relative: (m.absolute as number) / 40 });
  });

  it("the curve's days fall as the effect grows and contain the plan's own point", () => {
    const p = plan({ sequential: true });
    const { curve } = computePlanDetails({ ...DEFAULT_PLAN, sequential: true });
    const days = curve.map((c) => c.fixedDays as number);
    for (let i = 1; i < days.length; i++) expect(days[i]).toBeLessThanOrEqual(days[i - 1]!);
    const own = curve.find((c) => Math.abs(c.mde - DEFAULT_PLAN.mde) < 1e-12);
    expect(own?.fixedDays).toBe(p.fixed.days);
    expect(own?.sequentialDays).toBe(p.sequential?.days);
  });

  it("bad inputs are errors by field, never a throw", () => {
    const r = computePlan({
      ...DEFAULT_PLAN,
      baseline: 0.9,
      mde: 0.2,
      alpha: 0.7,
      variants: 11,
      dailyUnits: 0,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.mde).toContain("100 %");
    expect(r.errors.alpha).toBeDefined();
    expect(r.errors.variants).toBeDefined();
    expect(r.errors.dailyUnits).toBeDefined();
    expect(computePlan({ ...DEFAULT_PLAN, kind: "mean", baseline: 0, mde: 0.1 })).toMatchObject({
      ok: false,
      errors: { mde: expect.stringContaining("absolute") },
    });
  });
});

describe("the plan in the URL", () => {
  it("round-trips through the query string; bad values fall back to the defaults", () => {
    const input: PlanInput = {
      ...DEFAULT_PLAN,
      kind: "mean",
      baseline: 12.5,
      sd: 3,
      variants: 4,
      sequential: true,
    };
    expect(planFromSearch(planToSearch(input))).toEqual(input);
    expect(planFromSearch(new URLSearchParams("baseline=abc&variants=99&kind=x"))).toEqual(DEFAULT_PLAN);
  });

  it("hands the plan to the editor with units, days and equal weights", () => {
    const search = plannedExperimentSearch({
      plan: { ...DEFAULT_PLAN, variants: 3 },
      perVariant: 1234,
      days: 21,
    });
    const planned = readPlannedExperiment(new URLSearchParams(search));
    expect(planned).toMatchObject({ perVariant: 1234, days: 21, plan: { variants: 3 } });
    expect(planned?.weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(readPlannedExperiment(new URLSearchParams("kind=rate"))).toBeNull();
  });
});
