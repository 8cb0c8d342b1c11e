/**
 * Delta method for the relative lift (ratio of means) between two independent arms.
 *
 * r = m_t / m_c − 1,  Var(r) ≈ Var(m_t) / m_c² + m_t² · Var(m_c) / m_c⁴
 * (first-order Taylor expansion of m_t/m_c; Deng, Knoblich & Lu 2018, "Applying the Delta Method
 * in Metric Analytics", KDD; Kohavi, Tang & Xu 2020, "Trustworthy Online Controlled Experiments", §18).
 */
import {
  normalCdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from "./distributions.js";
import type { Alternative, Interval } from "./types.js";

/** Relative lift and its delta-method variance. */
export interface RelativeLift {
  estimate: number;
  variance: number;
}

/**
 * Relative lift m_t/m_c − 1 with delta-method variance, from the two arm means and the
 * variances of those means (v/n). Returns null when the control mean is 0 (ratio undefined)
 * or the variance is 0 or not finite.
 *
 * @example relativeLift(0.10, 0.1 * 0.9 / 1000, 0.12, 0.12 * 0.88 / 1000) // { estimate: 0.2, variance: ... }
 */
export function relativeLift(
  controlMean: number,
  controlMeanVariance: number,
  treatmentMean: number,
  treatmentMeanVariance: number,
): RelativeLift | null {
  if (controlMean === 0) return null;
  const mc2 = controlMean * controlMean;
  const variance =
    treatmentMeanVariance / mc2 + (treatmentMean * treatmentMean * controlMeanVariance) / (mc2 * mc2);
  if (!(variance > 0) || !Number.isFinite(variance)) return null;
  return { estimate: treatmentMean / controlMean - 1, variance };
}

/** Normal-theory p-value of z for the given alternative. */
export function normalPValue(z: number, alternative: Alternative): number {
  if (alternative === "greater") return normalSf(z);
  if (alternative === "less") return normalCdf(z);
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/** Confidence interval estimate ± q·se, open on one side for one-sided alternatives. */
export function interval(estimate: number, se: number, q: number, alternative: Alternative): Interval {
  if (alternative === "greater") return [estimate - q * se, Number.POSITIVE_INFINITY];
  if (alternative === "less") return [Number.NEGATIVE_INFINITY, estimate + q * se];
  return [estimate - q * se, estimate + q * se];
}

/** Normal critical value for a (1 − alpha) interval under the alternative. */
export function normalCritical(alpha: number, alternative: Alternative): number {
  return -normalQuantile(alternative === "two-sided" ? alpha / 2 : alpha);
}

/** Relative-lift result with a normal-theory interval and p-value. */
export interface RelativeResult {
  estimate: number;
  ci: Interval;
  pValue: number;
  standardError: number;
}

/**
 * Builds the relative-lift result or null when the lift is undefined. Without `df` the interval
 * and p-value use the normal distribution (two-proportion z-test); with `df` they use Student's t
 * with that many degrees of freedom (Welch: the Welch–Satterthwaite df of the absolute test, as
 * GrowthBook's gbstats `TwoSidedTTest` does), so both intervals of one test use the same quantile.
 */
export function relativeResult(
  lift: RelativeLift | null,
  alpha: number,
  alternative: Alternative,
  df?: number,
): RelativeResult | null {
  if (lift === null) return null;
  const se = Math.sqrt(lift.variance);
  const z = lift.estimate / se;
  if (df === undefined) {
    return {
      estimate: lift.estimate,
      ci: interval(lift.estimate, se, normalCritical(alpha, alternative), alternative),
      pValue: normalPValue(z, alternative),
      standardError: se,
    };
  }
  const q = -studentTQuantile(alternative === "two-sided" ? alpha / 2 : alpha, df);
  const pValue =
    alternative === "greater"
      ? studentTSf(z, df)
      : alternative === "less"
        ? studentTCdf(z, df)
        : Math.min(1, 2 * studentTSf(Math.abs(z), df));
  return {
    estimate: lift.estimate,
    ci: interval(lift.estimate, se, q, alternative),
    pValue,
    standardError: se,
  };
}
