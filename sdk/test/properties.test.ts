import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignVariant } from "../src/assign.js";
import { bucketRanges, chooseBucket } from "../src/bucket.js";
import { evaluateCondition } from "../src/condition.js";
import { hashToLayerUnit, hashToUnit, murmur3Utf8 } from "../src/hash.js";
import type { ExperimentConfig } from "../src/types.js";

const SEED = 20240601;
const params = { seed: SEED, numRuns: 200 };

function experiment(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    key: "exp",
    seed: "exp",
    hashVersion: 1,
    unitAttribute: "id",
    variants: [
      { key: "control", weight: 0.5 },
      { key: "treatment", weight: 0.5 },
    ],
    coverage: 1,
    ...overrides,
  };
}

// Variant weights that sum to 1 (2 to 5 arms).
const weightsArb = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 }).map((raw) => {
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
});

describe("assignment properties (fast-check, fixed seed)", () => {
  it("is deterministic: the same inputs always give the same answer", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: "grapheme" }), weightsArb, (seed, id, weights) => {
        const exp = experiment({ seed, variants: weights.map((weight, i) => ({ key: `v${i}`, weight })) });
        expect(hashToUnit(seed, id)).toBe(hashToUnit(seed, id));
        expect(assignVariant(exp, { id })).toEqual(assignVariant(exp, { id }));
      }),
      params,
    );
  });

  it("the prefix-reusing hash equals hashing the concatenated string, in any call order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: "binary" }), fc.string({ unit: "binary", maxLength: 200 }))),
        (pairs) => {
          for (const [seed, id] of pairs) {
            expect(hashToUnit(seed, id)).toBe(murmur3Utf8(`${seed}:${id}`) / 2 ** 32);
            expect(hashToLayerUnit(seed, id)).toBe(murmur3Utf8(`layer:${seed}:${id}`) / 2 ** 32);
          }
        },
      ),
      params,
    );
  });

  it("hashToUnit is in [0, 1) for any seed and unit id, including non-ASCII", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.string({ unit: "binary" }), (seed, id) => {
        const u = hashToUnit(seed, id);
        return u >= 0 && u < 1;
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it("buckets are uniform: chi-square over 100,000 ids in 20 cells does not reject at 0.001", () => {
    // Critical value: R qchisq(0.999, 19) = 43.82019596.
    const critical = 43.82019596;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (seed) => {
        const cells = new Array<number>(20).fill(0);
        const n = 100_000;
        for (let i = 0; i < n; i++) {
          const cell = Math.floor(hashToUnit(seed, `user-${i}`) * 20);
          cells[cell] = cells[cell]! + 1;
        }
        const expected = n / 20;
        const chi2 = cells.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
        expect(chi2).toBeLessThan(critical);
      }),
      { seed: SEED, numRuns: 3 },
    );
  });

  it("raising coverage never moves an assigned user", () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string(),
        (weights, a, b, id) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const variants = weights.map((weight, i) => ({ key: `v${i}`, weight }));
          const before = assignVariant(experiment({ variants, coverage: low }), { id: `u-${id}` });
          const after = assignVariant(experiment({ variants, coverage: high }), { id: `u-${id}` });
          if (before.reason === "assigned") {
            expect(after.reason).toBe("assigned");
            expect(after.variant).toBe(before.variant);
          }
          // And at the level of ranges: every range only grows, never shifts its start.
          const r1 = bucketRanges(weights, low);
          const r2 = bucketRanges(weights, high);
          r1.forEach((range, i) => {
            expect(r2[i]![0]).toBe(range[0]);
            expect(r2[i]![1]).toBeGreaterThanOrEqual(range[1]);
          });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("slices of one layer are mutually exclusive", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.string(), { minLength: 50, maxLength: 50 }),
        (cuts, ids) => {
          const points = [0, ...cuts.sort((x, y) => x - y), 1];
          const exps = points
            .slice(1)
            .map((hi, i) =>
              experiment({ key: `e${i}`, seed: `e${i}`, layer: { key: "L", range: [points[i]!, hi] } }),
            );
          for (const [j, id] of ids.entries()) {
            const inLayer = exps.filter((e) => assignVariant(e, { id: `${j}-${id}` }).reason !== "layer");
            // The slices partition [0, 1), so every unit lands in exactly one experiment.
            expect(inLayer.length).toBe(1);
          }
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("weights 10/90 give 10% ± 0.5% over 100,000 ids", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), (seed) => {
        const exp = experiment({
          key: seed,
          seed,
          variants: [
            { key: "a", weight: 0.1 },
            { key: "b", weight: 0.9 },
          ],
        });
        let a = 0;
        const n = 100_000;
        for (let i = 0; i < n; i++) if (assignVariant(exp, { id: `id-${i}` }).variant === "a") a++;
        expect(Math.abs(a / n - 0.1)).toBeLessThanOrEqual(0.005);
      }),
      { seed: SEED, numRuns: 2 },
    );
  });

  it("chooseBucket picks the range containing u, or -1 outside coverage", () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weights, coverage, u) => {
          const ranges = bucketRanges(weights, coverage);
          const i = chooseBucket(u, ranges);
          if (i >= 0) expect(u >= ranges[i]![0] && u < ranges[i]![1]).toBe(true);
          else for (const [lo, hi] of ranges) expect(u >= lo && u < hi).toBe(false);
        },
      ),
      params,
    );
  });

  it("$not negates and $and of a condition with itself is the condition", () => {
    const cond = fc.record({ age: fc.record({ $gte: fc.integer({ min: 0, max: 100 }) }) });
    fc.assert(
      fc.property(cond, fc.integer({ min: -10, max: 120 }), (c, age) => {
        const attrs = { age };
        expect(evaluateCondition({ $not: c }, attrs)).toBe(!evaluateCondition(c, attrs));
        expect(evaluateCondition({ $and: [c, c] }, attrs)).toBe(evaluateCondition(c, attrs));
      }),
      params,
    );
  });
});
