/**
 * Always-valid inference: asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Wang & Ramdas
 * 2023, "Time-uniform central limit theory and asymptotic confidence sequences", arXiv 2103.06476).
 */
import { relativeLift } from "./delta-method.js";
import type { Degenerate, Interval, MeanSummary, Ok, ProportionSummary } from "./types.js";
import { assertMeanSummary, assertOpenUnit, assertPositive, assertProportionSummary } from "./validate.js";

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
  const { alpha = 0.05, tuning = 5000, relative = false } = options;
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
  const logA = -2 * Math.log(alpha);
  const rho2 = (logA + Math.log(logA + 1)) / tuning;
  const nr = n * rho2 + 1;
  const halfWidth = Math.sqrt(sigma2 * ((2 * nr) / (n * n * rho2)) * Math.log(Math.sqrt(nr) / alpha));
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
