/**
 * Always-valid inference: asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Wang & Ramdas
 * 2023, "Time-uniform central limit theory and asymptotic confidence sequences", arXiv 2103.06476).
 */
import { relativeLift } from "./delta-method.js";
import { normalCdf } from "./distributions.js";
import {
  checkCommon,
  type MdeResult,
  type MeanPlanInput,
  type PowerResult,
  type ProportionPlanInput,
  proportionRates,
  type SampleSizeValues,
  sampleSizeMeans,
  sampleSizeProportions,
  solveIncreasing,
} from "./sample-size.js";
import type { Degenerate, Interval, MeanSummary, Ok, ProportionSummary } from "./types.js";
import {
  assertFinite,
  assertMeanSummary,
  assertOpenUnit,
  assertPositive,
  assertProportionSummary,
} from "./validate.js";

/** Default N* of {@link sequentialTest} and the sequential planners. */
export const DEFAULT_SEQUENTIAL_TUNING = 5000;

/** Options for {@link sequentialTest}. */
export interface SequentialTestOptions {
  /** Significance level: P(the sequence ever excludes the true effect) ≤ alpha. Default 0.05. */
  alpha?: number;
  /** N*: the total sample (both arms) at which the sequence is tightest; default 5000. */
  tuning?: number;
  /** Test the relative lift m_t/m_c − 1 (delta method) instead of the absolute difference. */
  relative?: boolean;
}

/** Values of a sequential test. */
export interface SequentialTestValues {
  /** Absolute (or relative) effect, treatment − control. */
  estimate: number;
  /** Confidence sequence at this look: valid simultaneously over all looks. */
  ci: Interval;
  /** Always-valid p-value: the smallest alpha at which the sequence excludes 0. */
  pValue: number;
  /** Half-width of the sequence. */
  halfWidth: number;
  /** The mixture parameter ρ² derived from tuning and alpha. */
  rho2: number;
}

/** Result of {@link sequentialTest}. */
export type SequentialTestResult = Ok<SequentialTestValues> | Degenerate<SequentialTestValues>;

function toMeanSummary(s: MeanSummary | ProportionSummary, name: string): MeanSummary {
  if ("users" in s) {
    assertProportionSummary(name, s);
    const p = s.users > 0 ? s.conversions / s.users : 0;
    return { n: s.users, mean: p, variance: s.users > 1 ? (p * (1 - p) * s.users) / (s.users - 1) : 0 };
  }
  assertMeanSummary(name, s);
  return s;
}

/**
 * Asymptotic confidence sequence for the treatment − control difference (or relative lift).
 *
 * With N = n_c + n_t units, estimate Δ̂ and its variance V̂ (s_t²/n_t + s_c²/n_c, or the delta-method
 * variance of the relative lift), per-unit variance σ̂² = N·V̂ and the Gaussian-mixture boundary
 * (Waudby-Smith et al. 2023, Theorem 2.2 / eq. (14)):
 *
 *   Δ̂ ± σ̂·√( 2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α) ),   ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*
 *
 * where ρ² makes the sequence tightest at the planned total N* (`tuning`; the approximation of
 * their Appendix, also used by GrowthBook's sequential engine). Holding ρ fixed, the boundaries
 * are nested in α, so the always-valid p-value is the α at which the boundary touches 0:
 * p = min(1, √(Nρ² + 1)·exp(−Δ̂²N²ρ² / (2σ̂²(Nρ² + 1)))). Looking after every unit keeps
 * P(ever excluding the true effect) ≤ α asymptotically. Proportions are treated as 0/1 means.
 * Fewer than 2 units per arm, zero variance, or a zero control mean with `relative` give
 * `status: "insufficient-data"`.
 *
 * @example sequentialTest({ n: 2000, mean: 10, variance: 9 }, { n: 2100, mean: 10.4, variance: 10 })
 */
export function sequentialTest(
  control: MeanSummary | ProportionSummary,
  treatment: MeanSummary | ProportionSummary,
  options: SequentialTestOptions = {},
): SequentialTestResult {
  const { alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING, relative = false } = options;
  const c = toMeanSummary(control, "control");
  const t = toMeanSummary(treatment, "treatment");
  assertOpenUnit("alpha", alpha);
  assertPositive("tuning", tuning);
  const none = (reason: string): SequentialTestResult => ({
    status: "insufficient-data",
    reason,
    estimate: null,
    ci: null,
    pValue: null,
    halfWidth: null,
    rho2: null,
  });
  if (c.n < 2 || t.n < 2) return none("each arm needs at least 2 units");
  const vc = c.variance / c.n;
  const vt = t.variance / t.n;
  let estimate = t.mean - c.mean;
  let variance = vc + vt;
  if (relative) {
    const lift = relativeLift(c.mean, vc, t.mean, vt);
    if (lift === null) return none("the relative lift is undefined (control mean 0 or no variance)");
    estimate = lift.estimate;
    variance = lift.variance;
  }
  if (!(variance > 0)) return none("the metric has zero variance in both arms");
  const n = c.n + t.n;
  const sigma2 = n * variance;
  const rho2 = mixtureRho2(alpha, tuning);
  const nr = n * rho2 + 1;
  const halfWidth = Math.sqrt(variance) * criticalValue(n, rho2, alpha);
  const pValue = Math.min(
    1,
    Math.sqrt(nr) * Math.exp((-estimate * estimate * n * n * rho2) / (2 * sigma2 * nr)),
  );
  return {
    status: "ok",
    estimate,
    ci: [estimate - halfWidth, estimate + halfWidth],
    pValue,
    halfWidth,
    rho2,
  };
}

/** ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*: the mixture that makes the sequence tightest at N*. */
function mixtureRho2(alpha: number, tuning: number): number {
  const logA = -2 * Math.log(alpha);
  return (logA + Math.log(logA + 1)) / tuning;
}

/** |Δ̂|/se above which the sequence (ρ² fixed) excludes 0 at level `level`, with N units in all. */
function criticalValue(n: number, rho2: number, level: number): number {
  const x = n * rho2;
  return Math.sqrt((2 * (x + 1) * Math.log(Math.sqrt(x + 1) / level)) / x);
}

function assertComparisons(comparisons: number): void {
  if (!Number.isInteger(comparisons) || comparisons < 1) {
    throw new RangeError(`comparisons must be an integer >= 1, got ${String(comparisons)}`);
  }
}

/** Inputs for {@link sequentialCriticalValue}. */
export interface SequentialCriticalValueInput {
  /** Units of the comparison at the look, both arms: N = n_c + n_t. */
  n: number;
  /** N* of the sequence (default 5000), as passed to {@link sequentialTest}. */
  tuning?: number;
  /** Significance level the sequence is built for (sets ρ). Default 0.05. */
  alpha?: number;
  /**
   * Comparisons in the family (variants × primary metrics): the p-value must fall below
   * alpha / comparisons (Bonferroni; the first step of Holm). Default 1.
   */
  comparisons?: number;
}

/**
 * Critical value of the always-valid test on the z scale: {@link sequentialTest} declares a
 * difference when |Δ̂|/se exceeds
 *
 *   c(N) = √( 2(Nρ² + 1)/(Nρ²) · ln(m·√(Nρ² + 1)/α) ),   ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*
 *
 * (the sequence's half-width divided by the standard error, Waudby-Smith et al. 2023 eq. (14);
 * with m comparisons the always-valid p-value has to reach α/m while ρ stays the one built for α,
 * exactly what adjusting the reported p-values with Bonferroni or Holm's first step does).
 * The fixed-horizon counterpart is z_{1−α/2m}. At N = N*, α = 0.05, m = 1: c = 3.035, 1.549 × 1.960.
 *
 * @example sequentialCriticalValue({ n: 5000, tuning: 5000 }) // 3.0352…
 */
export function sequentialCriticalValue(input: SequentialCriticalValueInput): number {
  const { n, tuning = DEFAULT_SEQUENTIAL_TUNING, alpha = 0.05, comparisons = 1 } = input;
  assertPositive("n", n);
  assertPositive("tuning", tuning);
  assertOpenUnit("alpha", alpha);
  assertComparisons(comparisons);
  return criticalValue(n, mixtureRho2(alpha, tuning), alpha / comparisons);
}

/** Options every sequential planner takes besides the metric. */
export interface SequentialPlanOptions {
  /** N* of the sequence, both arms of one comparison (default 5000). */
  tuning?: number;
  /** Comparisons in the corrected family (variants × primary metrics), default 1. */
  comparisons?: number;
}

/** A rate (`baselineRate`, `mde`, `relative`) or a mean (`sd`, absolute `mde`) to plan for. */
export type SequentialPlanInput = (ProportionPlanInput | MeanPlanInput) & SequentialPlanOptions;

/** Inputs for {@link sequentialPower}. */
export type SequentialPowerInput = SequentialPlanInput & {
  /** Units per variant at the look. */
  perVariant: number;
};

/** Effect and Σ of the two arms' per-unit variances (se² = sum / n with n units per arm). */
function effectAndVariance(input: SequentialPlanInput): { effect: number; varianceSum: number } {
  if ("baselineRate" in input) {
    const [p1, p2] = proportionRates(input);
    return { effect: p2 - p1, varianceSum: p1 * (1 - p1) + p2 * (1 - p2) };
  }
  assertPositive("sd", input.sd);
  assertFinite("mde", input.mde);
  return { effect: input.mde, varianceSum: 2 * input.sd * input.sd };
}

function planOptions(input: { alpha?: number | undefined } & SequentialPlanOptions) {
  const { alpha = 0.05, tuning = DEFAULT_SEQUENTIAL_TUNING, comparisons = 1 } = input;
  checkCommon(alpha, undefined, undefined);
  assertPositive("tuning", tuning);
  assertComparisons(comparisons);
  return { alpha, rho2: mixtureRho2(alpha, tuning), level: alpha / comparisons, comparisons };
}

/** P(|Z| > c(2n)) with Z ~ N(|δ|·√(n/S), 1): both rejection regions. */
function powerAt(n: number, effect: number, varianceSum: number, rho2: number, level: number): number {
  const shift = Math.abs(effect) * Math.sqrt(n / varianceSum);
  const c = criticalValue(2 * n, rho2, level);
  return normalCdf(shift - c) + normalCdf(-shift - c);
}

/**
 * Power of the always-valid test ({@link sequentialTest}, absolute difference) at one look with
 * `perVariant` units per arm: the probability that the confidence sequence at this look excludes 0
 * when the true effect is `mde`,
 *
 *   power = Φ(|δ|/se − c(2n)) + Φ(−|δ|/se − c(2n)),   se = √((σ_c² + σ_t²)/n)
 *
 * with c from {@link sequentialCriticalValue} (m = `comparisons`, Bonferroni/Holm's first step),
 * σ² = p(1 − p) at p₁ and p₂ = p₁(1 + mde) for rates (the unpooled variance the sequence uses),
 * sd² in both arms for means; normal theory (the sequence is asymptotic). It is the chance that
 * the report read at this look says "significant"; a team that stopped at the first significant
 * daily look has detected at least as often. Rates with no variance at p₁ and p₂, or fewer than
 * 2 units per arm, give `status: "insufficient-data"`.
 *
 * @example sequentialPower({ baselineRate: 0.2, mde: 0.25, perVariant: 1094, tuning: 2188 }) // { status: "ok", power: 0.409… }
 */
export function sequentialPower(input: SequentialPowerInput): PowerResult {
  const { rho2, level } = planOptions(input);
  assertPositive("perVariant", input.perVariant);
  const { effect, varianceSum } = effectAndVariance(input);
  if (input.perVariant < 2) {
    return { status: "insufficient-data", reason: "perVariant must reach 2 units", power: null };
  }
  if (!(varianceSum > 0))
    return { status: "insufficient-data", reason: "both rates are 0 or 1", power: null };
  return { status: "ok", power: powerAt(input.perVariant, effect, varianceSum, rho2, level) };
}

/** Inputs for {@link sequentialSampleSize}. */
export type SequentialSampleSizeInput = SequentialPlanInput & {
  /** Requested power at the look, default 0.8. */
  power?: number;
  /** Number of variants including control (for `total`), default 2. */
  variants?: number;
};

/** A sequential plan and what always-valid inference costs compared with a single look. */
export interface SequentialSampleSizeValues extends SampleSizeValues {
  /** Units per variant the fixed-horizon test needs for the same effect, power and alpha/m. */
  fixedHorizonPerVariant: number;
  /** perVariantExact / the fixed-horizon unrounded n: the cost of looking as often as you like. */
  inflation: number;
}

/** Result of {@link sequentialSampleSize}. */
export type SequentialSampleSizeResult =
  | Ok<SequentialSampleSizeValues>
  | Degenerate<SequentialSampleSizeValues, "zero-effect">
  | Degenerate<SequentialSampleSizeValues>;

const noSequentialSize = <S extends "zero-effect" | "insufficient-data">(status: S, reason: string) => ({
  status,
  reason,
  perVariant: null,
  total: null,
  perVariantExact: null,
  fixedHorizonPerVariant: null,
  inflation: null,
});

/**
 * Units per variant at which the always-valid test reaches `power` at that look for a true effect
 * `mde`: the smallest n with {@link sequentialPower} ≥ power (doubling, then bisection; the power
 * rises with n wherever it exceeds a few percent, because c(N) grows only like √ln N). Also returns
 * the fixed-horizon plan for the same effect at alpha/m ({@link sampleSizeProportions} /
 * {@link sampleSizeMeans}, R `power.prop.test` / `power.t.test`) and their ratio `inflation`, the
 * price of always-valid inference at this N* (≈ 1.9 when N* equals the fixed-horizon total at
 * α = 0.05, power 0.8). A zero effect gives `"zero-effect"`; no variance, `"insufficient-data"`.
 *
 * @example sequentialSampleSize({ baselineRate: 0.2, mde: 0.25, tuning: 2188 }) // { perVariant: 2115, fixedHorizonPerVariant: 1094, inflation: 1.93… }
 */
export function sequentialSampleSize(input: SequentialSampleSizeInput): SequentialSampleSizeResult {
  const { power = 0.8, variants = 2 } = input;
  const { rho2, level, comparisons, alpha } = planOptions(input);
  checkCommon(alpha, power, variants);
  const { effect, varianceSum } = effectAndVariance(input);
  if (effect === 0) return noSequentialSize("zero-effect", "the effect to detect is zero");
  if (!(varianceSum > 0)) {
    return noSequentialSize(
      "insufficient-data",
      "both rates are 0 or 1, so there is no variance to plan with",
    );
  }
  const f = (n: number) => powerAt(n, effect, varianceSum, rho2, level);
  let lo = 2;
  let hi = 2;
  while (f(hi) < power) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) return noSequentialSize("insufficient-data", "the effect is too small to plan for");
  }
  const exact = hi === 2 ? 2 : solveIncreasing(f, power, lo, hi);
  const fixed =
    "baselineRate" in input
      ? sampleSizeProportions({ ...input, alpha: alpha / comparisons, power, variants })
      : sampleSizeMeans({ sd: input.sd, mde: input.mde, alpha: alpha / comparisons, power, variants });
  if (fixed.status !== "ok") return noSequentialSize("insufficient-data", fixed.reason);
  const perVariant = Math.ceil(exact - 1e-9);
  return {
    status: "ok",
    perVariant,
    total: perVariant * variants,
    perVariantExact: exact,
    fixedHorizonPerVariant: fixed.perVariant,
    inflation: exact / fixed.perVariantExact,
  };
}

/** Inputs for {@link sequentialMinimumDetectableEffect}: a rate (`baselineRate`) or a mean (`sd`). */
export type SequentialMdeInput = (
  | { baselineRate: number; sd?: never }
  | { sd: number; baselineRate?: never }
) &
  SequentialPlanOptions & {
    /** Units per variant at the look. */
    perVariant: number;
    alpha?: number;
    /** Requested power at the look, default 0.8. */
    power?: number;
  };

/**
 * Smallest upward effect the always-valid test detects with `power` at one look with `perVariant`
 * units per arm: the inverse of {@link sequentialPower} in the effect (bisection; the power rises
 * with the effect). Rates: solves for p₂ > p₁ with σ² = p₁(1 − p₁) + p₂(1 − p₂) (absolute p₂ − p₁,
 * relative p₂/p₁ − 1); means: the absolute difference with sd² in both arms. What the planner's
 * "MDE after N weeks" shows when sequential is on. When even p₂ = 1 is not detectable, the baseline
 * is 1, or fewer than 2 units per arm, the status is `"insufficient-data"`.
 *
 * @example sequentialMinimumDetectableEffect({ sd: 1, perVariant: 394, tuning: 788 }) // absolute ≈ 0.2762
 */
export function sequentialMinimumDetectableEffect(input: SequentialMdeInput): MdeResult {
  const { perVariant, power = 0.8 } = input;
  const { rho2, level, alpha } = planOptions(input);
  checkCommon(alpha, power, undefined);
  assertPositive("perVariant", perVariant);
  const none = (reason: string): MdeResult => ({
    status: "insufficient-data",
    reason,
    absolute: null,
    relative: null,
  });
  if (perVariant < 2) return none("perVariant must reach 2 units");
  if (input.baselineRate !== undefined) {
    const p1 = input.baselineRate;
    assertFinite("baselineRate", p1);
    if (p1 < 0 || p1 > 1) throw new RangeError(`baselineRate must be in [0, 1], got ${p1}`);
    const f = (p2: number) => powerAt(perVariant, p2 - p1, p1 * (1 - p1) + p2 * (1 - p2), rho2, level);
    if (p1 === 1 || f(1) < power)
      return none("no upward change of the rate is detectable with this many units");
    const p2 = solveIncreasing(f, power, p1, 1);
    return { status: "ok", absolute: p2 - p1, relative: p1 > 0 ? p2 / p1 - 1 : null };
  }
  const sd = input.sd as number;
  assertPositive("sd", sd);
  const varianceSum = 2 * sd * sd;
  const f = (delta: number) => powerAt(perVariant, delta, varianceSum, rho2, level);
  let hi = sd;
  while (f(hi) < power) hi *= 2;
  return { status: "ok", absolute: solveIncreasing(f, power, 0, hi), relative: null };
}
