/**
 * Proof by simulation (seeded, deterministic). Bigger runs: `npm run bench:stats`.
 */
import { describe, expect, it } from "vitest";
import {
  aaProportionsRate,
  aaWelchRate,
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
