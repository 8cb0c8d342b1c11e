/** Property tests (fast-check, fixed seed) for invariants users rely on. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjustPValues, proportionsTest, sequentialTest, welchTTest } from "../src/index.js";

const SEED = 20261123;
const runs = { seed: SEED, numRuns: 300 };

const proportionArm = fc
  .integer({ min: 2, max: 100_000 })
  .chain((users) =>
    fc.record({ users: fc.constant(users), conversions: fc.integer({ min: 0, max: users }) }),
  );
const meanArm = fc.record({
  n: fc.integer({ min: 2, max: 100_000 }),
  mean: fc.double({ min: -1e4, max: 1e4, noNaN: true }),
  variance: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
});
const alternative = fc.constantFrom("two-sided" as const, "greater" as const, "less" as const);

describe("invariants", () => {
  it("proportionsTest: p in [0, 1], CI contains the estimate, swapping arms negates it", () => {
    fc.assert(
      fc.property(proportionArm, proportionArm, alternative, (c, t, alt) => {
        const r = proportionsTest(c, t, { alternative: alt });
        if (r.status !== "ok") return; // degenerate: covered by unit tests
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ci[0]).toBeLessThanOrEqual(r.estimate);
        expect(r.ci[1]).toBeGreaterThanOrEqual(r.estimate);
        const s = proportionsTest(t, c, { alternative: alt });
        expect(s.estimate).toBe(-r.estimate);
        expect(s.z).toBeCloseTo(-r.z, 12);
        if (alt === "two-sided") expect(s.pValue).toBeCloseTo(r.pValue, 12);
      }),
      runs,
    );
  });

  it("welchTTest: p in [0, 1], CI contains the estimate, swapping arms negates it", () => {
    fc.assert(
      fc.property(meanArm, meanArm, alternative, (c, t, alt) => {
        const r = welchTTest(c, t, { alternative: alt });
        expect(r.status).toBe("ok");
        if (r.status !== "ok") return;
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ci[0]).toBeLessThanOrEqual(r.estimate);
        expect(r.ci[1]).toBeGreaterThanOrEqual(r.estimate);
        if (r.relative) {
          expect(r.relative.pValue).toBeGreaterThanOrEqual(0);
          expect(r.relative.pValue).toBeLessThanOrEqual(1);
          expect(r.relative.ci[0]).toBeLessThanOrEqual(r.relative.estimate);
          expect(r.relative.ci[1]).toBeGreaterThanOrEqual(r.relative.estimate);
        }
        const s = welchTTest(t, c, { alternative: alt });
        expect(s.estimate).toBe(-r.estimate);
        expect(s.t).toBe(-r.t);
        if (alt === "two-sided") expect(s.pValue).toBe(r.pValue);
      }),
      runs,
    );
  });

  it("sequentialTest: p in [0, 1], CI contains the estimate, swapping arms negates it", () => {
    fc.assert(
      fc.property(meanArm, meanArm, fc.double({ min: 0.001, max: 0.5, noNaN: true }), (c, t, alpha) => {
        const r = sequentialTest(c, t, { alpha });
        if (r.status !== "ok") return;
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ci[0]).toBeLessThanOrEqual(r.estimate);
        expect(r.ci[1]).toBeGreaterThanOrEqual(r.estimate);
        const s = sequentialTest(t, c, { alpha });
        expect(s.estimate).toBe(-r.estimate);
        expect(s.pValue).toBe(r.pValue);
      }),
      runs,
    );
  });

  it("adjustPValues: adjusted p in [0, 1], never below the raw p, order-preserving", () => {
    const method = fc.constantFrom("holm" as const, "bonferroni" as const, "benjamini-hochberg" as const);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        method,
        (ps, m) => {
          const adj = adjustPValues(ps, m);
          adj.forEach((a, i) => {
            expect(a).toBeGreaterThanOrEqual(ps[i]!);
            expect(a).toBeLessThanOrEqual(1);
            adj.forEach((b, j) => {
              if (ps[i]! < ps[j]!) expect(a).toBeLessThanOrEqual(b);
            });
          });
        },
      ),
      runs,
    );
  });
});
