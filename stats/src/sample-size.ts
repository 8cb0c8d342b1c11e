/**
 * Planning: sample size, power and minimum detectable effect for two-sided tests comparing each
 * treatment with control. Formulas are those of R `power.prop.test` and `power.t.test`
 * (default `strict = FALSE`: the far rejection region is ignored).
 */
import { noncentralTCdf, normalCdf, normalQuantile, studentTQuantile } from "./distributions.js";
import type { Degenerate, Ok } from "./types.js";
import { assertFinite, assertOpenUnit, assertPositive } from "./validate.js";

/** Inputs for proportion planning. `mde` is relative to the baseline unless `relative` is false. */
export interface ProportionPlanInput {
  /** Control conversion rate in [0, 1]. */
  baselineRate: number;
  /** Effect to detect: relative (0.1 = +10 %) by default, absolute (0.01 = +1 point) if `relative: false`. */
  mde: number;
  relative?: boolean;
  /** Two-sided significance level, default 0.05. */
  alpha?: number;
}

/** Inputs for {@link sampleSizeProportions}. */
export interface SampleSizeProportionsInput extends ProportionPlanInput {
  /** Requested power, default 0.8. */
  power?: number;
  /** Number of variants including control, default 2. */
  variants?: number;
}

/** Values of a sample size plan. */
export interface SampleSizeValues {
  /** Units needed in each variant (rounded up). */
  perVariant: number;
  /** perVariant × variants. */
  total: number;
  /** The unrounded solution n (what R prints as `n`). */
  perVariantExact: number;
}

/** Result of a sample size plan. */
export type SampleSizeResult =
  | Ok<SampleSizeValues>
  | Degenerate<SampleSizeValues, "zero-effect">
  | Degenerate<SampleSizeValues>;

/** Shared argument checks of the planners (internal to the package). */
export function checkCommon(alpha: number, power: number | undefined, variants: number | undefined): void {
  assertOpenUnit("alpha", alpha);
  if (power !== undefined) assertOpenUnit("power", power);
  if (variants !== undefined && (!Number.isInteger(variants) || variants < 2)) {
    throw new RangeError(`variants must be an integer >= 2, got ${String(variants)}`);
  }
}

/** [p₁, p₂] of a proportion plan, validated (internal to the package). */
export function proportionRates(input: ProportionPlanInput): [number, number] {
  const { baselineRate, mde, relative = true } = input;
  assertFinite("baselineRate", baselineRate);
  if (baselineRate < 0 || baselineRate > 1)
    throw new RangeError(`baselineRate must be in [0, 1], got ${baselineRate}`);
  assertFinite("mde", mde);
  const p2 = relative ? baselineRate * (1 + mde) : baselineRate + mde;
  if (p2 < 0 || p2 > 1) throw new RangeError(`mde moves the rate to ${p2}, outside [0, 1]`);
  return [baselineRate, p2];
}

/** power.prop.test's power for n per group (two-sided, strict = FALSE). */
function proportionPower(n: number, p1: number, p2: number, alpha: number): number {
  const a = Math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2));
  const b = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return normalCdf((Math.sqrt(n) * Math.abs(p1 - p2) - -normalQuantile(alpha / 2) * a) / b);
}

function sizeResult(n: number, variants: number): SampleSizeResult {
  const perVariant = Math.ceil(n - 1e-9); // tolerate float noise in an exact integer solution
  return { status: "ok", perVariant, total: perVariant * variants, perVariantExact: n };
}

function noSize<S extends "zero-effect" | "insufficient-data">(status: S, reason: string) {
  return { status, reason, perVariant: null, total: null, perVariantExact: null };
}

/**
 * Units per variant to detect a change in a conversion rate with a two-sided two-proportion test.
 *
 * p₁ = baseline, p₂ = p₁(1 + mde) (or p₁ + mde);
 * n = [z_{1−α/2}·√((p₁+p₂)(1 − (p₁+p₂)/2)) + z_{power}·√(p₁(1−p₁) + p₂(1−p₂))]² / (p₁ − p₂)²,
 * the closed-form root of R `power.prop.test`'s power equation (Fleiss, Levin & Paik 2003 §4.2).
 * `perVariant = ceil(n)`, `total = perVariant·variants`; alpha is per comparison (not adjusted).
 * A zero effect gives `status: "zero-effect"`; p₁ and p₂ both 0 or 1 give `"insufficient-data"`.
 *
 * @example sampleSizeProportions({ baselineRate: 0.1, mde: 0.1 }) // { status: "ok", perVariant: 14751, total: 29502, … }
 */
export function sampleSizeProportions(input: SampleSizeProportionsInput): SampleSizeResult {
  const { alpha = 0.05, power = 0.8, variants = 2 } = input;
  checkCommon(alpha, power, variants);
  const [p1, p2] = proportionRates(input);
  if (p1 === p2) return noSize("zero-effect", "the effect to detect is zero");
  const b = Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  if (b === 0)
    return noSize("insufficient-data", "both rates are 0 or 1, so there is no variance to plan with");
  const a = Math.sqrt((p1 + p2) * (1 - (p1 + p2) / 2));
  const root = (-normalQuantile(alpha / 2) * a + normalQuantile(power) * b) / Math.abs(p1 - p2);
  return sizeResult(Math.max(root * root, 2), variants);
}

/** Inputs for {@link powerProportions}. */
export interface PowerProportionsInput extends ProportionPlanInput {
  /** Units per variant. */
  perVariant: number;
}

/** Result of a power calculation. */
export type PowerResult = Ok<{ power: number }> | Degenerate<{ power: number }>;

/**
 * Power of the two-sided two-proportion test with `perVariant` units per arm (R `power.prop.test`):
 * power = Φ((√n·|p₁ − p₂| − z_{1−α/2}·√((p₁+p₂)(1 − (p₁+p₂)/2))) / √(p₁(1−p₁) + p₂(1−p₂))).
 * Fewer than 2 units per arm, or no variance at both rates, gives `status: "insufficient-data"`.
 *
 * @example powerProportions({ baselineRate: 0.1, mde: 0.1, perVariant: 14751 }) // { status: "ok", power: 0.80… }
 */
export function powerProportions(input: PowerProportionsInput): PowerResult {
  const { alpha = 0.05, perVariant } = input;
  checkCommon(alpha, undefined, undefined);
  assertPositive("perVariant", perVariant);
  const [p1, p2] = proportionRates(input);
  if (perVariant < 2)
    return { status: "insufficient-data", reason: "perVariant must reach 2 units", power: null };
  if (p1 * (1 - p1) + p2 * (1 - p2) === 0) {
    return { status: "insufficient-data", reason: "both rates are 0 or 1", power: null };
  }
  return { status: "ok", power: proportionPower(perVariant, p1, p2, alpha) };
}

/** Inputs for mean planning: `mde` is an absolute difference in the metric's unit. */
export interface MeanPlanInput {
  /** Standard deviation of the metric per unit (assumed equal in both arms). */
  sd: number;
  mde: number;
  alpha?: number;
}

/** power.t.test's power (two-sample, two-sided, strict = FALSE). */
function meanPower(n: number, sd: number, delta: number, alpha: number): number {
  const df = 2 * (n - 1);
  const q = -studentTQuantile(alpha / 2, df);
  return 1 - noncentralTCdf(q, df, Math.sqrt(n / 2) * (Math.abs(delta) / sd));
}

/** Smallest x in [lo, hi] with f(x) >= target for increasing f (bisection to machine precision). */
export function solveIncreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200 && b - a > 1e-12 * Math.max(1, Math.abs(b)); i++) {
    const mid = 0.5 * (a + b);
    if (f(mid) >= target) b = mid;
    else a = mid;
  }
  return 0.5 * (a + b);
}

/**
 * Units per variant to detect an absolute difference `mde` in a mean with Welch/Student t-test.
 *
 * Solves power = P(T'_{ν,δ} > t_{ν,1−α/2}) for n, with ν = 2(n − 1) and noncentrality
 * δ = √(n/2)·|mde|/sd (noncentral t via AS 243, Lenth 1989) — R `power.t.test` (two-sample,
 * two-sided). Result is at least 2 per variant. A zero `mde` gives `status: "zero-effect"`.
 *
 * @example sampleSizeMeans({ sd: 1, mde: 0.2 }) // { status: "ok", perVariant: 394, total: 788, … }
 */
export function sampleSizeMeans(
  input: MeanPlanInput & { power?: number; variants?: number },
): SampleSizeResult {
  const { sd, mde, alpha = 0.05, power = 0.8, variants = 2 } = input;
  checkCommon(alpha, power, variants);
  assertPositive("sd", sd);
  assertFinite("mde", mde);
  if (mde === 0) return noSize("zero-effect", "the effect to detect is zero");
  const f = (n: number) => meanPower(n, sd, mde, alpha);
  if (f(2) >= power) return sizeResult(2, variants);
  const zSum = -normalQuantile(alpha / 2) + normalQuantile(power);
  let hi = Math.max(4, 4 * ((zSum * sd) / mde) ** 2 + 10);
  while (f(hi) < power) hi *= 2;
  return sizeResult(solveIncreasing(f, power, 2, hi), variants);
}

/**
 * Power of the two-sided two-sample t-test with `perVariant` units per arm (R `power.t.test`):
 * P(T'_{ν,δ} > t_{ν,1−α/2}), ν = 2(n − 1), δ = √(n/2)·|mde|/sd.
 *
 * @example powerMeans({ sd: 1, mde: 0.2, perVariant: 394 }) // { status: "ok", power: 0.80… }
 */
export function powerMeans(input: MeanPlanInput & { perVariant: number }): PowerResult {
  const { sd, mde, alpha = 0.05, perVariant } = input;
  checkCommon(alpha, undefined, undefined);
  assertPositive("sd", sd);
  assertFinite("mde", mde);
  assertPositive("perVariant", perVariant);
  if (perVariant < 2)
    return { status: "insufficient-data", reason: "perVariant must reach 2 units", power: null };
  return { status: "ok", power: meanPower(perVariant, sd, mde, alpha) };
}

/** Inputs for the proportion MDE. */
export interface MdeProportionsInput {
  baselineRate: number;
  perVariant: number;
  alpha?: number;
  power?: number;
}

/** Inputs for the mean MDE. */
export interface MdeMeansInput {
  sd: number;
  perVariant: number;
  alpha?: number;
  power?: number;
}

/** Minimum detectable effect: absolute and (for rates) relative to the baseline. */
export interface MdeValues {
  absolute: number;
  relative: number | null;
}

/** Result of a minimum detectable effect calculation. */
export type MdeResult = Ok<MdeValues> | Degenerate<MdeValues>;

/**
 * Smallest upward change in a conversion rate detectable with the requested power:
 * solves R `power.prop.test(n, p1, power)` for p₂ > p₁ (bisection; power increases in p₂).
 * `relative` = p₂/p₁ − 1 (null for a zero baseline). When even p₂ = 1 is not detectable, or the
 * baseline is 1, the status is `"insufficient-data"`.
 *
 * @example minimumDetectableEffectProportions({ baselineRate: 0.1, perVariant: 4000 }) // absolute ≈ 0.01958
 */
export function minimumDetectableEffectProportions(input: MdeProportionsInput): MdeResult {
  const { baselineRate: p1, perVariant, alpha = 0.05, power = 0.8 } = input;
  checkCommon(alpha, power, undefined);
  assertFinite("baselineRate", p1);
  if (p1 < 0 || p1 > 1) throw new RangeError(`baselineRate must be in [0, 1], got ${p1}`);
  assertPositive("perVariant", perVariant);
  const none = (reason: string): MdeResult => ({
    status: "insufficient-data",
    reason,
    absolute: null,
    relative: null,
  });
  if (perVariant < 2) return none("perVariant must reach 2 units");
  if (p1 === 1 || proportionPower(perVariant, p1, 1, alpha) < power) {
    return none("no upward change of the rate is detectable with this many units");
  }
  const p2 = solveIncreasing((x) => proportionPower(perVariant, p1, x, alpha), power, p1, 1);
  return { status: "ok", absolute: p2 - p1, relative: p1 > 0 ? p2 / p1 - 1 : null };
}

/**
 * Smallest absolute difference in a mean detectable with the requested power: solves
 * R `power.t.test(n, sd, power)` for delta (bisection; power increases in delta).
 *
 * @example minimumDetectableEffectMeans({ sd: 1, perVariant: 394 }) // absolute ≈ 0.1999
 */
export function minimumDetectableEffectMeans(input: MdeMeansInput): MdeResult {
  const { sd, perVariant, alpha = 0.05, power = 0.8 } = input;
  checkCommon(alpha, power, undefined);
  assertPositive("sd", sd);
  assertPositive("perVariant", perVariant);
  if (perVariant < 2)
    return {
      status: "insufficient-data",
      reason: "perVariant must reach 2 units",
      absolute: null,
      relative: null,
    };
  let hi = sd;
  while (meanPower(perVariant, sd, hi, alpha) < power) hi *= 2;
  const delta = solveIncreasing((d) => meanPower(perVariant, sd, d, alpha), power, 0, hi);
  return { status: "ok", absolute: delta, relative: null };
}

/**
 * Minimum detectable effect for either metric kind: a rate when `baselineRate` is given
 * ({@link minimumDetectableEffectProportions}), otherwise a mean ({@link minimumDetectableEffectMeans}).
 *
 * @example minimumDetectableEffect({ baselineRate: 0.05, perVariant: 10000 })
 */
export function minimumDetectableEffect(input: MdeProportionsInput | MdeMeansInput): MdeResult {
  return "baselineRate" in input
    ? minimumDetectableEffectProportions(input)
    : minimumDetectableEffectMeans(input);
}
