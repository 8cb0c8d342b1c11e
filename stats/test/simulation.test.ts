/**
 * Proof by simulation (seeded, deterministic). Bigger runs: `npm run bench:stats`.
 */
import { describe, expect, it } from "vitest";
import { powerMeans, powerProportions, sequentialPower, sequentialSampleSize } from "../src/index.js";
import {
  aaProportionsRate,
  aaWelchRate,
  type DetectionScenario,
  detectionRate,
  groupSequentialAaRate,
  meansPower,
  peekingRates,
  proportionsPower,
} from "./simulate.js";

const ALPHA = 0.05;

describe("A/A tests at a fixed horizon: false-positive rate within alpha ± 1.5 points", () => {
  it("2,000 two-proportion z-tests (10 % rate, 2,000 users per arm)", () => {
    const rate = aaProportionsRate({ tests: 2000, users: 2000, rate: 0.1, alpha: ALPHA, seed: 1 });
    console.log(`A/A z-test false-positive rate: ${(rate * 100).toFixed(2)} % (alpha 5 %)`);
    expect(Math.abs(rate - ALPHA)).toBeLessThanOrEqual(0.015);
  });
  it("2,000 Welch t-tests on skewed (exponential) revenue, 500 units per arm", () => {
    const rate = aaWelchRate({ tests: 2000, units: 500, alpha: ALPHA, seed: 2 });
    console.log(`A/A Welch false-positive rate: ${(rate * 100).toFixed(2)} % (alpha 5 %)`);
    expect(Math.abs(rate - ALPHA)).toBeLessThanOrEqual(0.015);
  });
  it("2,000 group-sequential A/A tests with 5 O'Brien-Fleming looks", () => {
    const rate = groupSequentialAaRate({
      tests: 2000,
      informationFractions: [0.2, 0.4, 0.6, 0.8, 1],
      spending: "obrien-fleming",
      alpha: ALPHA,
      seed: 3,
    });
    console.log(`Group-sequential (OBF, 5 looks) A/A false-positive rate: ${(rate * 100).toFixed(2)} %`);
    expect(Math.abs(rate - ALPHA)).toBeLessThanOrEqual(0.015);
  });
});

describe("peeking: 500 A/A tests looked at 20 times each", () => {
  it("the sequential test stays at or below alpha while the naive repeated t-test exceeds it", () => {
    const { naive, sequential } = peekingRates({
      tests: 500,
      peeks: 20,
      unitsPerPeek: 100,
      alpha: ALPHA,
      seed: 4,
    });
    console.log(
      `Peeking 20x: naive repeated t-test ${(naive * 100).toFixed(1)} %, sequential ${(sequential * 100).toFixed(1)} % (alpha 5 %)`,
    );
    expect(sequential).toBeLessThanOrEqual(ALPHA);
    expect(naive).toBeGreaterThan(ALPHA + 0.05); // well above alpha, not a fluke
  });
});

describe("power at the planner's sample size is within ± 3 points of the requested power", () => {
  it("proportions: 20 % baseline, +25 % relative, power 0.8", () => {
    const r = proportionsPower({
      tests: 2000,
      baselineRate: 0.2,
      mde: 0.25,
      power: 0.8,
      alpha: ALPHA,
      seed: 5,
    });
    console.log(
      `Proportions: ${r.perVariant} per variant, observed power ${(r.observed * 100).toFixed(1)} %`,
    );
    expect(Math.abs(r.observed - 0.8)).toBeLessThanOrEqual(0.03);
  });
  it("means: sd 1, difference 0.25, power 0.9", () => {
    const r = meansPower({ tests: 2000, sd: 1, mde: 0.25, power: 0.9, alpha: ALPHA, seed: 6 });
    console.log(`Means: ${r.perVariant} per variant, observed power ${(r.observed * 100).toFixed(1)} %`);
    expect(Math.abs(r.observed - 0.9)).toBeLessThanOrEqual(0.03);
  });
});

/**
 * Issue 11: the power the report predicts must be the power of the rule that decides. Each case
 * simulates experiments read with that rule (decisive p-value, Holm across treatments, one look)
 * and compares the detection rate with the prediction: within ± 5 points.
 */
describe("predicted power matches the simulated detection rate of the decision rule (± 5 points)", () => {
  const check = (label: string, predicted: number | null, scenario: DetectionScenario) => {
    const simulated = detectionRate(scenario);
    console.log(
      `${label}: predicted ${((predicted ?? 0) * 100).toFixed(1)} %, simulated ${(simulated * 100).toFixed(1)} % (${scenario.tests} experiments)`,
    );
    expect(predicted).not.toBeNull();
    expect(Math.abs(simulated - (predicted as number))).toBeLessThanOrEqual(0.05);
  };
  const rate = { baselineRate: 0.2, relativeLift: 0.25 };

  it("fixed horizon, 2 arms, proportions 20 % -> 25 %, 700 per arm (below the planned n)", () => {
    const predicted = powerProportions({ baselineRate: 0.2, mde: 0.25, perVariant: 700 }).power;
    check("fixed, 2 arms", predicted, {
      tests: 2000,
      metric: rate,
      perVariant: 700,
      treatments: 1,
      holm: true,
      alpha: ALPHA,
      seed: 41,
    });
  });

  it("fixed horizon, 3 arms with Holm: power at alpha / 2 (Bonferroni = Holm's first step)", () => {
    const predicted = powerProportions({
      baselineRate: 0.2,
      mde: 0.25,
      perVariant: 1094,
      alpha: ALPHA / 2,
    }).power;
    check("fixed, 3 arms, Holm", predicted, {
      tests: 2000,
      metric: rate,
      perVariant: 1094,
      treatments: 2,
      holm: true,
      alpha: ALPHA,
      seed: 42,
    });
  });

  it("sequential at N = N* where the fixed-horizon planner promised 80 %", () => {
    const predicted = sequentialPower({ baselineRate: 0.2, mde: 0.25, perVariant: 1094, tuning: 2188 }).power;
    const fixedPromise = powerProportions({ baselineRate: 0.2, mde: 0.25, perVariant: 1094 }).power ?? 0;
    console.log(`  (the fixed-horizon figure the report used to show: ${(fixedPromise * 100).toFixed(1)} %)`);
    check("sequential, 2 arms, N = N*", predicted, {
      tests: 2000,
      metric: rate,
      perVariant: 1094,
      treatments: 1,
      sequential: { tuning: 2188 },
      holm: true,
      alpha: ALPHA,
      seed: 43,
    });
  });

  it("sequential, 3 arms with Holm, means: at sequentialSampleSize's n for 80 %", () => {
    const plan = sequentialSampleSize({ sd: 1, mde: 0.2, tuning: 800, comparisons: 2, power: 0.8 });
    if (plan.status !== "ok") throw new Error(plan.reason);
    const predicted = sequentialPower({
      sd: 1,
      mde: 0.2,
      perVariant: plan.perVariant,
      tuning: 800,
      comparisons: 2,
    }).power;
    const fixedPromise = powerMeans({ sd: 1, mde: 0.2, perVariant: plan.perVariant }).power ?? 0;
    console.log(
      `  (${plan.perVariant}/arm = ${plan.inflation.toFixed(2)} x the fixed-horizon ${plan.fixedHorizonPerVariant}; unadjusted fixed-horizon power there ${(fixedPromise * 100).toFixed(1)} %)`,
    );
    check("sequential, 3 arms, Holm, means", predicted, {
      tests: 2000,
      metric: { sd: 1, difference: 0.2 },
      perVariant: plan.perVariant,
      treatments: 2,
      sequential: { tuning: 800 },
      holm: true,
      alpha: ALPHA,
      seed: 44,
    });
  });
});
