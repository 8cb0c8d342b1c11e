/**
 * The decision rules of the results report, in one place: the health checks (SRM, units exposed to
 * several variants, enough data), the power and days left of the test that actually decides, and
 * the recommendation. Pure functions of the already computed metric reports.
 */
import {
  DEFAULT_SEQUENTIAL_TUNING,
  powerMeans,
  powerProportions,
  sampleSizeMeans,
  sampleSizeProportions,
  sequentialPower,
  sequentialSampleSize,
} from "@splitlab/stats";
import type { MetricReport } from "./results.analysis.js";

/** Fewer units than this in any variant: "not enough data" instead of a verdict. */
export const MIN_UNITS_PER_VARIANT = 100;
/** Binomial primary metrics: fewer conversions than this in any variant is "not enough data". */
export const MIN_CONVERSIONS_PER_VARIANT = 10;
/** Power at or above this counts as adequately powered. */
export const TARGET_POWER = 0.8;
/** A share of units exposed to more than one variant above this is a health problem. */
export const MAX_MULTIPLE_EXPOSURE_SHARE = 0.01;
/** SRM is flagged below this p-value (sampleRatioMismatch's default). */
export const SRM_P_THRESHOLD = 0.001;

/** Recommendations the report can make. */
export type Recommendation =
  | "ship"
  | "roll-back"
  | "keep-running"
  | "inconclusive"
  | "not-enough-data"
  | "investigate";

/** The recommendation and the sentences that explain it. */
export interface Decision {
  recommendation: Recommendation;
  /** With `ship`: the variant to ship. */
  variant?: string;
  reasons: string[];
}

/** The SRM figures as the report shows them. */
export interface SrmSummary {
  pValue: number | null;
  mismatch: boolean;
  observed: number[];
  expected: number[];
  variants: string[];
}

/**
 * One health check. `problem`: the data cannot be trusted as is and "ship" is blocked;
 * `warning`: no verdict yet (too little data); `not-checked`: nothing to check yet.
 */
export interface HealthCheck {
  check: "srm" | "multiple-exposures" | "sample-size";
  status: "ok" | "warning" | "problem" | "not-checked";
  /** One sentence for people: what was checked, what was found, what it means. */
  message: string;
  /** srm: the p-value; multiple-exposures: the share of units; sample-size: units in the smallest variant. */
  value: number | null;
  /** srm: p below it is a mismatch; multiple-exposures: share above it is a problem; sample-size: minimum units. */
  threshold: number;
}

/** Health of the experiment's data: the worst status and every check. */
export interface Health {
  status: "ok" | "warning" | "problem";
  checks: HealthCheck[];
}

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;
const count = (x: number) => x.toLocaleString("en-US");

/** Inputs of {@link checkHealth}. */
export interface HealthInput {
  srm: SrmSummary;
  /** Units exposed to more than one variant (excluded from every metric). */
  multipleExposures: number;
  /** Counted units per variant (control first). */
  units: number[];
  metrics: MetricReport[];
}

/**
 * SRM (chi-square goodness of fit against the planned weights, p < 0.001), the share of units
 * seen in more than one variant (above 1 % is a problem: ids change hands or assignment is not
 * deterministic, and excluding those units can bias the comparison) and enough data for a verdict
 * (100 units per variant, 10 conversions per variant on binomial primary metrics).
 */
export function checkHealth(input: HealthInput): Health {
  const { srm, multipleExposures, units, metrics } = input;
  const checks: HealthCheck[] = [];
  const total = units.reduce((a, b) => a + b, 0);
  if (srm.pValue === null) {
    checks.push({
      check: "srm",
      status: "not-checked",
      message: "No units yet, so the split between variants cannot be checked.",
      value: null,
      threshold: SRM_P_THRESHOLD,
    });
  } else {
    const split = `the observed split ${srm.observed.join("/")} against the planned ${srm.expected.map((e) => Math.round(e)).join("/")}`;
    checks.push({
      check: "srm",
      status: srm.mismatch ? "problem" : "ok",
      message: srm.mismatch
        ? `Sample ratio mismatch (p ${tinyP(srm.pValue)} < ${SRM_P_THRESHOLD}): ${split} is too far off to be chance; assignment or logging is broken, do not trust these results.`
        : `No sample ratio mismatch: ${split} is within chance (p = ${srm.pValue.toPrecision(2)}).`,
      value: srm.pValue,
      threshold: SRM_P_THRESHOLD,
    });
  }
  const exposed = total + multipleExposures;
  if (exposed === 0) {
    checks.push({
      check: "multiple-exposures",
      status: "not-checked",
      message: "No units yet, so multiple exposures cannot be checked.",
      value: null,
      threshold: MAX_MULTIPLE_EXPOSURE_SHARE,
    });
  } else {
    const share = multipleExposures / exposed;
    const seen = `${count(multipleExposures)} of ${count(exposed)} units (${pct(share)}) saw more than one variant`;
    checks.push({
      check: "multiple-exposures",
      status: share > MAX_MULTIPLE_EXPOSURE_SHARE ? "problem" : "ok",
      message:
        share > MAX_MULTIPLE_EXPOSURE_SHARE
          ? `${seen}, above the ${pct(MAX_MULTIPLE_EXPOSURE_SHARE)} limit: unit ids change hands or assignment is inconsistent, and excluding these units can bias the comparison; find the cause before shipping.`
          : `${seen}; they are excluded from every metric (limit ${pct(MAX_MULTIPLE_EXPOSURE_SHARE)}).`,
      value: share,
      threshold: MAX_MULTIPLE_EXPOSURE_SHARE,
    });
  }
  checks.push(sampleSizeCheck(units, metrics));
  const statuses = checks.map((c) => c.status);
  return {
    status: statuses.includes("problem") ? "problem" : statuses.includes("warning") ? "warning" : "ok",
    checks,
  };
}

function sampleSizeCheck(units: number[], metrics: MetricReport[]): HealthCheck {
  const minUnits = units.length > 0 ? Math.min(...units) : 0;
  const base = { check: "sample-size" as const, value: minUnits, threshold: MIN_UNITS_PER_VARIANT };
  if (minUnits < MIN_UNITS_PER_VARIANT) {
    return {
      ...base,
      status: "warning",
      message: `Not enough data: ${count(minUnits)} units in the smallest variant (need at least ${MIN_UNITS_PER_VARIANT}).`,
    };
  }
  for (const m of metrics) {
    if (m.kind !== "primary" || m.type !== "binomial") continue;
    const fewest = Math.min(...m.variants.map((v) => v.conversions ?? 0));
    if (fewest < MIN_CONVERSIONS_PER_VARIANT) {
      return {
        ...base,
        status: "warning",
        message: `Not enough data: ${m.metric} has ${fewest} conversions in a variant (need at least ${MIN_CONVERSIONS_PER_VARIANT}).`,
      };
    }
  }
  return {
    ...base,
    status: "ok",
    message: `Enough data for a verdict: at least ${MIN_UNITS_PER_VARIANT} units in every variant and ${MIN_CONVERSIONS_PER_VARIANT} conversions on every binomial primary metric.`,
  };
}

/** The power figure of the report. */
export interface PowerReport {
  /** Power of the deciding test at the current units to detect a relative change of `mde`; null if it cannot be computed. */
  achieved: number | null;
  mde: number;
  /** The metric the figure refers to: the first primary metric. */
  metric: string | null;
  /** The test that decides `significant`: the confidence sequence when sequential is on. */
  test: "sequential" | "fixed-horizon";
  /** Comparisons in the corrected family (treatments × primary metrics; 1 without correction). */
  comparisons: number;
  /** The level each comparison is held to: the experiment's alpha / comparisons. */
  alpha: number;
  target: number;
  /** Units per variant at which the deciding test reaches `target` power. */
  neededPerVariant?: number;
  /** Days from the start to `dataThrough` (fractional). */
  elapsedDays?: number;
  /** Units entering per day so far (all variants). */
  unitsPerDay?: number;
  /** Days until the smallest variant reaches `neededPerVariant` at its observed rate (running experiments). */
  daysLeft?: number;
  /** Why `achieved` is null. */
  reason?: string;
}

/** Inputs of {@link computePower}. */
export interface PowerInput {
  /** The metric reports (power refers to the first primary). */
  metrics: MetricReport[];
  analysis: { alpha: number; sequential: boolean; correction: "none" | "holm" | "bh" };
  /** N* of the confidence sequence (default 5000). */
  sequentialTuning?: number;
  /** Relative effect to detect. */
  mde: number;
  /** Days from the start to the data watermark; null before the start. */
  elapsedDays: number | null;
  /** Whether more data can still arrive (days left make sense only then). */
  running: boolean;
}

/**
 * Power and days left of the test that decides `significant`: the first primary metric, a
 * relative change of `mde` against the control's observed mean (rates: its rate; others: its sd),
 * units per arm = the smallest variant's.
 *
 * - Fixed horizon: R `power.prop.test` / `power.t.test` at α/m.
 * - Sequential: the single-look power of the always-valid test at the current N with its N*
 *   (`sequentialPower`: Φ(|δ|/se − c(N)) + Φ(−|δ|/se − c(N))), c at level α/m.
 *
 * m = treatments × primary metrics when the experiment corrects (Holm or BH), else 1. α/m is
 * Holm's first-step threshold, and Holm and BH reject everything Bonferroni rejects, so this is a
 * lower bound on the power of the adjusted decision; it is tight when the other comparisons have
 * no effect (checked by simulation in stats/test/simulation.test.ts). Days left: each arm keeps
 * its observed rate (units / elapsed days), so the smallest arm needs elapsed × (needed/n − 1).
 */
export function computePower(input: PowerInput): PowerReport {
  const { metrics, analysis, mde } = input;
  const primaries = metrics.filter((m) => m.kind === "primary");
  const primary = primaries[0];
  const treatments = Math.max(0, (primary?.variants.length ?? 1) - 1);
  const comparisons = analysis.correction === "none" ? 1 : Math.max(1, treatments * primaries.length);
  const alpha = analysis.alpha / comparisons;
  const tuning = input.sequentialTuning ?? DEFAULT_SEQUENTIAL_TUNING;
  const base: PowerReport = {
    achieved: null,
    mde,
    metric: primary?.metric ?? null,
    test: analysis.sequential ? "sequential" : "fixed-horizon",
    comparisons,
    alpha,
    target: TARGET_POWER,
  };
  const elapsed = input.elapsedDays;
  const totalUnits = primary ? primary.variants.reduce((a, v) => a + v.units, 0) : 0;
  if (elapsed !== null && elapsed > 0) {
    base.elapsedDays = elapsed;
    if (totalUnits > 0) base.unitsPerDay = totalUnits / elapsed;
  }
  const none = (reason: string): PowerReport => ({ ...base, reason });
  if (!primary) return none("the experiment has no primary metric");
  const control = primary.variants[0];
  if (!control || treatments === 0) return none("the experiment has no treatment to compare");
  const perVariant = Math.min(...primary.variants.map((v) => v.units));
  if (control.mean === null || perVariant < 2) return none("each variant needs at least 2 units");
  const plan = planOf(primary, control.mean, control.variance, mde);
  if (typeof plan === "string") return none(plan);
  const common = { ...plan, alpha: analysis.alpha, tuning, comparisons };
  let achieved: number | null;
  let needed: number | null;
  if (analysis.sequential) {
    achieved = sequentialPower({ ...common, perVariant }).power;
    needed = sequentialSampleSize({ ...common, power: TARGET_POWER }).perVariant;
  } else if ("baselineRate" in plan) {
    achieved = powerProportions({ ...plan, alpha, perVariant }).power;
    needed = sampleSizeProportions({ ...plan, alpha, power: TARGET_POWER }).perVariant;
  } else {
    achieved = powerMeans({ ...plan, alpha, perVariant }).power;
    needed = sampleSizeMeans({ ...plan, alpha, power: TARGET_POWER }).perVariant;
  }
  const out: PowerReport = { ...base, achieved };
  if (needed !== null) {
    out.neededPerVariant = needed;
    if (input.running && elapsed !== null && elapsed > 0) {
      out.daysLeft = Math.max(0, Math.ceil(elapsed * (needed / perVariant - 1)));
    }
  }
  return out;
}

type Plan = { baselineRate: number; mde: number; relative: true } | { sd: number; mde: number };

/** The planner inputs for a relative change of `mde` in this metric, or why there are none. */
function planOf(metric: MetricReport, mean: number, variance: number | null, mde: number): Plan | string {
  if (metric.type === "binomial") {
    if (mean <= 0 || mean >= 1) return "the control's rate is 0 or 1, so a relative change cannot be planned";
    if (mean * (1 + mde) >= 1 || mean * (1 + mde) <= 0)
      return "the change would move the rate outside (0, 1)";
    return { baselineRate: mean, mde, relative: true };
  }
  const sd = Math.sqrt(variance ?? 0);
  const effect = Math.abs(mean) * mde;
  if (!(sd > 0)) return "the control has no variance";
  if (!(effect > 0)) return "the control's mean is 0, so a relative change is 0";
  return { sd, mde: effect };
}

/**
 * The recommendation, in this order:
 * 1. `investigate`: SRM (nothing else can be trusted);
 * 2. `not-enough-data`: the sample-size check is a warning;
 * 3. `ship` a variant significantly better on a primary metric, worse on none and with no worse
 *    guardrail, unless a health check is a problem (then `investigate`: shipping is blocked);
 * 4. `inconclusive`: a winner that harms another metric or a guardrail;
 * 5. `roll-back`: a primary metric or guardrail significantly worse, nothing better;
 * 6. `inconclusive` without a primary metric;
 * 7. `keep-running`: nothing significant and the deciding test's power below 80 % (with days left);
 * 8. `inconclusive`: nothing significant despite adequate power.
 * Every health problem is also listed in `reasons`.
 */
export function decide(metrics: MetricReport[], health: Health, power: PowerReport): Decision {
  const problems = health.checks.filter((c) => c.status === "problem");
  const problemReasons = problems.map((c) => c.message);
  const srm = problems.find((c) => c.check === "srm");
  if (srm) return { recommendation: "investigate", reasons: problemReasons };
  const notEnough = health.checks.find((c) => c.check === "sample-size" && c.status === "warning");
  if (notEnough)
    return { recommendation: "not-enough-data", reasons: [notEnough.message, ...problemReasons] };

  const reasons: string[] = [];
  const primaries = metrics.filter((m) => m.kind === "primary");
  const harmed = metrics
    .filter((m) => m.kind === "guardrail")
    .flatMap((m) => m.comparisons.filter((c) => c.direction === "worse").map((c) => ({ m, c })));
  for (const { m, c } of harmed) reasons.push(`guardrail ${m.metric} is significantly worse in ${c.variant}`);
  const better = new Map<string, number>();
  const worse = new Set<string>();
  for (const m of primaries) {
    for (const c of m.comparisons) {
      if (c.direction === "better") {
        better.set(c.variant, (better.get(c.variant) ?? 0) + 1);
        reasons.push(`${m.metric}: ${c.variant} is significantly better than ${c.control}`);
      } else if (c.direction === "worse") {
        worse.add(c.variant);
        reasons.push(`${m.metric}: ${c.variant} is significantly worse than ${c.control}`);
      }
    }
  }
  const harmedVariants = new Set(harmed.map((h) => h.c.variant));
  const winner = [...better.entries()]
    .filter(([v]) => !worse.has(v) && !harmedVariants.has(v))
    .sort((a, b) => b[1] - a[1])[0];
  const finish = (recommendation: Recommendation, extra: string[] = []): Decision => ({
    recommendation,
    reasons: [...reasons, ...extra, ...problemReasons],
  });
  if (winner) {
    if (problems.length > 0) {
      return finish("investigate", [
        `${winner[0]} would ship, but a health problem blocks it: ${problems.map((p) => p.check).join(", ")}`,
      ]);
    }
    return { ...finish("ship"), variant: winner[0] };
  }
  if (better.size > 0)
    return finish("inconclusive", ["no variant wins without a significant harm: do not ship"]);
  if (worse.size > 0 || harmed.length > 0) return finish("roll-back");
  if (primaries.length === 0) return finish("inconclusive", ["the experiment has no primary metric"]);
  const change = `a ${(power.mde * 100).toFixed(1)}% change`;
  const test = power.test === "sequential" ? "the always-valid test" : "the fixed-horizon test";
  if (power.achieved !== null && power.achieved < TARGET_POWER) {
    return finish("keep-running", [
      `no significant difference yet; power of ${test} to detect ${change} is ${(power.achieved * 100).toFixed(0)}%` +
        (power.daysLeft !== undefined ? `, about ${power.daysLeft} more days at the current traffic` : ""),
    ]);
  }
  if (power.achieved === null) {
    return finish("inconclusive", [
      `no significant difference; power unknown (${power.reason ?? "no data"})`,
    ]);
  }
  return finish("inconclusive", [
    `no significant difference with adequate power (≥ ${TARGET_POWER * 100}%) of ${test} to detect ${change}`,
  ]);
}

/**
 * "= 1.52e-22", or "< 1e-300" when the p-value underflowed to 0 (a large skew: chi-square
 * tails below about 1e-308 are not representable as doubles).
 */
function tinyP(p: number): string {
  return p > 1e-300 ? `= ${p.toExponential(2)}` : "< 1e-300";
}
