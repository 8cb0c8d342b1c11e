/**
 * Seeded Monte Carlo scenarios for the statistics library, shared by simulation.test.ts
 * (small runs in `npm test`) and bench/stats.bench.ts (bigger runs). Units are drawn one by one
 * (Bernoulli / normal / exponential) and aggregated incrementally into the same summaries the
 * server computes in SQL (n, sum, sum of squares).
 */
import {
  adjustPValues,
  groupSequentialBoundaries,
  type MeanSummary,
  proportionsTest,
  sampleSizeMeans,
  sampleSizeProportions,
  sequentialTest,
  welchTTest,
} from "../src/index.js";

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator; passes PractRand), seeded via splitmix32. */
export function createRandom(seed: number): () => number {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return (t + 0.5) / 4294967296; // (0, 1)
  };
}

/** Standard normal draws by the Box-Muller transform (both values used). */
export function createNormal(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(random()));
    const theta = 2 * Math.PI * random();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** Running n / sum / sum of squares, like the per-variant SQL aggregate. */
export class Accumulator {
  n = 0;
  sum = 0;
  sumSquares = 0;
  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSquares += x * x;
  }
  summary(): MeanSummary {
    const mean = this.sum / this.n;
    return {
      n: this.n,
      mean,
      variance: Math.max(0, (this.sumSquares - this.n * mean * mean) / (this.n - 1)),
    };
  }
}

/** Fraction of A/A proportion tests with p < alpha (fixed horizon, Bernoulli units). */
export function aaProportionsRate(o: {
  tests: number;
  users: number;
  rate: number;
  alpha: number;
  seed: number;
}): number {
  const random = createRandom(o.seed);
  let rejections = 0;
  for (let i = 0; i < o.tests; i++) {
    let xc = 0;
    let xt = 0;
    for (let u = 0; u < o.users; u++) {
      if (random() < o.rate) xc++;
      if (random() < o.rate) xt++;
    }
    const r = proportionsTest(
      { users: o.users, conversions: xc },
      { users: o.users, conversions: xt },
      { alpha: o.alpha },
    );
    if (r.status === "ok" && r.pValue < o.alpha) rejections++;
  }
  return rejections / o.tests;
}

/** Fraction of A/A Welch tests with p < alpha on skewed (exponential, mean 20) per-unit values. */
export function aaWelchRate(o: { tests: number; units: number; alpha: number; seed: number }): number {
  const random = createRandom(o.seed);
  let rejections = 0;
  for (let i = 0; i < o.tests; i++) {
    const c = new Accumulator();
    const t = new Accumulator();
    for (let u = 0; u < o.units; u++) {
      c.add(-20 * Math.log(random()));
      t.add(-20 * Math.log(random()));
    }
    const r = welchTTest(c.summary(), t.summary(), { alpha: o.alpha });
    if (r.status === "ok" && r.pValue < o.alpha) rejections++;
  }
  return rejections / o.tests;
}

/**
 * A/A tests peeked at `peeks` equally spaced looks (normal units). Returns the share of tests that
 * were ever declared significant by the naive repeated Welch test and by the sequential test
 * (tuning = the planned total sample).
 */
export function peekingRates(o: {
  tests: number;
  peeks: number;
  unitsPerPeek: number;
  alpha: number;
  seed: number;
}): { naive: number; sequential: number } {
  const normal = createNormal(createRandom(o.seed));
  const tuning = 2 * o.peeks * o.unitsPerPeek;
  let naive = 0;
  let sequential = 0;
  for (let i = 0; i < o.tests; i++) {
    const c = new Accumulator();
    const t = new Accumulator();
    let naiveHit = false;
    let sequentialHit = false;
    for (let k = 0; k < o.peeks; k++) {
      for (let u = 0; u < o.unitsPerPeek; u++) {
        c.add(5 + 2 * normal());
        t.add(5 + 2 * normal());
      }
      const w = welchTTest(c.summary(), t.summary(), { alpha: o.alpha });
      if (w.status === "ok" && w.pValue < o.alpha) naiveHit = true;
      const s = sequentialTest(c.summary(), t.summary(), { alpha: o.alpha, tuning });
      if (s.status === "ok" && s.pValue < o.alpha) sequentialHit = true;
    }
    if (naiveHit) naive++;
    if (sequentialHit) sequential++;
  }
  return { naive: naive / o.tests, sequential: sequential / o.tests };
}

/** Observed power of the proportions z-test at the planner's sample size for a planted effect. */
export function proportionsPower(o: {
  tests: number;
  baselineRate: number;
  mde: number;
  power: number;
  alpha: number;
  seed: number;
}): { perVariant: number; observed: number } {
  const plan = sampleSizeProportions({
    baselineRate: o.baselineRate,
    mde: o.mde,
    power: o.power,
    alpha: o.alpha,
  });
  if (plan.status !== "ok") throw new Error(plan.reason);
  const n = plan.perVariant;
  const treatedRate = o.baselineRate * (1 + o.mde);
  const random = createRandom(o.seed);
  let rejections = 0;
  for (let i = 0; i < o.tests; i++) {
    let xc = 0;
    let xt = 0;
    for (let u = 0; u < n; u++) {
      if (random() < o.baselineRate) xc++;
      if (random() < treatedRate) xt++;
    }
    const r = proportionsTest(
      { users: n, conversions: xc },
      { users: n, conversions: xt },
      { alpha: o.alpha },
    );
    if (r.status === "ok" && r.pValue < o.alpha) rejections++;
  }
  return { perVariant: n, observed: rejections / o.tests };
}

/** Observed power of the Welch test at the planner's sample size for a planted mean difference. */
export function meansPower(o: {
  tests: number;
  sd: number;
  mde: number;
  power: number;
  alpha: number;
  seed: number;
}): { perVariant: number; observed: number } {
  const plan = sampleSizeMeans({ sd: o.sd, mde: o.mde, power: o.power, alpha: o.alpha });
  if (plan.status !== "ok") throw new Error(plan.reason);
  const n = plan.perVariant;
  const normal = createNormal(createRandom(o.seed));
  let rejections = 0;
  for (let i = 0; i < o.tests; i++) {
    const c = new Accumulator();
    const t = new Accumulator();
    for (let u = 0; u < n; u++) {
      c.add(o.sd * normal());
      t.add(o.mde + o.sd * normal());
    }
    const r = welchTTest(c.summary(), t.summary(), { alpha: o.alpha });
    if (r.status === "ok" && r.pValue < o.alpha) rejections++;
  }
  return { perVariant: n, observed: rejections / o.tests };
}

/**
 * A/A false-positive rate of a group-sequential design: Brownian-motion z statistics at the looks
 * (exact for normal data with known variance), rejected when |Z_k| ≥ c_k at any look.
 */
export function groupSequentialAaRate(o: {
  tests: number;
  informationFractions: number[];
  spending: "obrien-fleming" | "pocock";
  alpha: number;
  seed: number;
}): number {
  const { criticalZ } = groupSequentialBoundaries(o);
  const normal = createNormal(createRandom(o.seed));
  let rejections = 0;
  for (let i = 0; i < o.tests; i++) {
    let s = 0;
    let prev = 0;
    for (const [k, t] of o.informationFractions.entries()) {
      s += Math.sqrt(t - prev) * normal();
      prev = t;
      if (Math.abs(s / Math.sqrt(t)) >= criticalZ[k]!) {
        rejections++;
        break;
      }
    }
  }
  return rejections / o.tests;
}

/** What {@link detectionRate} simulates: one experiment design and the decision rule it is read with. */
export interface DetectionScenario {
  tests: number;
  /** Per-unit values: Bernoulli(rate) or normal(mean, sd). */
  metric: { baselineRate: number; relativeLift: number } | { sd: number; difference: number };
  perVariant: number;
  /** Treatments besides control; only the first carries the effect, the others are A/A. */
  treatments: number;
  /** Decide with the always-valid p-value (tuning N*) instead of the fixed-horizon one. */
  sequential?: { tuning: number };
  /** Adjust the family of treatments' p-values with Holm, as the report does for primaries. */
  holm: boolean;
  alpha: number;
  seed: number;
}

/**
 * Share of simulated experiments in which the first treatment is declared significant by the
 * report's rule: the decisive p-value (sequential if on, else z-test / Welch), Holm-adjusted across
 * all treatments vs control, below alpha. One look at `perVariant` units per arm.
 */
export function detectionRate(o: DetectionScenario): number {
  const random = createRandom(o.seed);
  const normal = createNormal(random);
  const arms = o.treatments + 1;
  const m = o.metric;
  let detected = 0;
  for (let i = 0; i < o.tests; i++) {
    const summaries: MeanSummary[] = [];
    const counts: number[] = [];
    for (let a = 0; a < arms; a++) {
      if ("baselineRate" in m) {
        const rate = a === 1 ? m.baselineRate * (1 + m.relativeLift) : m.baselineRate;
        let x = 0;
        for (let u = 0; u < o.perVariant; u++) if (random() < rate) x++;
        counts.push(x);
        const p = x / o.perVariant;
        summaries.push({
          n: o.perVariant,
          mean: p,
          variance: (p * (1 - p) * o.perVariant) / (o.perVariant - 1),
        });
      } else {
        const acc = new Accumulator();
        const shift = a === 1 ? m.difference : 0;
        for (let u = 0; u < o.perVariant; u++) acc.add(shift + m.sd * normal());
        summaries.push(acc.summary());
      }
    }
    const pValues: number[] = [];
    for (let a = 1; a < arms; a++) {
      let p = 1;
      if (o.sequential) {
        const r = sequentialTest(summaries[0]!, summaries[a]!, {
          alpha: o.alpha,
          tuning: o.sequential.tuning,
        });
        if (r.status === "ok") p = r.pValue;
      } else if ("baselineRate" in m) {
        const r = proportionsTest(
          { users: o.perVariant, conversions: counts[0]! },
          { users: o.perVariant, conversions: counts[a]! },
          { alpha: o.alpha },
        );
        if (r.status === "ok") p = r.pValue;
      } else {
        const r = welchTTest(summaries[0]!, summaries[a]!, { alpha: o.alpha });
        if (r.status === "ok") p = r.pValue;
      }
      pValues.push(p);
    }
    const adjusted = o.holm && pValues.length > 1 ? adjustPValues(pValues, "holm") : pValues;
    if (adjusted[0]! < o.alpha) detected++;
  }
  return detected / o.tests;
}

/**
 * Two arms, normal units, the always-valid test read at `looks` equally spaced looks up to
 * `perVariant`: the share of experiments significant at the last look and the share significant
 * at any look (what a team that stops at the first significant look gets).
 */
export function sequentialLooksRate(o: {
  tests: number;
  sd: number;
  difference: number;
  perVariant: number;
  looks: number;
  tuning: number;
  alpha: number;
  seed: number;
}): { lastLook: number; anyLook: number } {
  const normal = createNormal(createRandom(o.seed));
  let last = 0;
  let any = 0;
  for (let i = 0; i < o.tests; i++) {
    const c = new Accumulator();
    const t = new Accumulator();
    let hit = false;
    let hitLast = false;
    for (let k = 1; k <= o.looks; k++) {
      const target = Math.round((k * o.perVariant) / o.looks);
      while (c.n < target) {
        c.add(o.sd * normal());
        t.add(o.difference + o.sd * normal());
      }
      const r = sequentialTest(c.summary(), t.summary(), { alpha: o.alpha, tuning: o.tuning });
      const significant = r.status === "ok" && r.pValue < o.alpha;
      if (significant) hit = true;
      if (k === o.looks) hitLast = significant;
    }
    if (hit) any++;
    if (hitLast) last++;
  }
  return { lastLook: last / o.tests, anyLook: any / o.tests };
}
