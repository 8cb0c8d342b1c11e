/**
 * Welch's unequal-variance t-test on per-arm summary statistics, with a delta-method relative lift.
 */
import { interval, type RelativeResult, relativeLift, relativeResult } from "./delta-method.js";
import { studentTCdf, studentTQuantile, studentTSf } from "./distributions.js";
import type { Alternative, Degenerate, Interval, MeanSummary, Ok } from "./types.js";
import { assertAlternative, assertMeanSummary, assertOpenUnit } from "./validate.js";

/** Options for {@link welchTTest}. */
export interface WelchTTestOptions {
  /** Significance level; the interval has coverage 1 − alpha. Default 0.05. */
  alpha?: number;
  /** Alternative hypothesis about treatment − control. Default "two-sided". */
  alternative?: Alternative;
}

/** Values of a Welch t-test. */
export interface WelchTTestValues {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  pValue: number;
  /** Absolute difference of means, treatment − control. */
  estimate: number;
  /** t interval for the difference; one-sided intervals are open (±Infinity) on one side. */
  ci: Interval;
  standardError: number;
  /**
   * Relative lift m_t/m_c − 1 (delta method; interval and p-value from Student's t with the same
   * Welch–Satterthwaite df as the absolute test); null when the control mean is 0.
   */
  relative: RelativeResult | null;
}

/** Result of {@link welchTTest}. */
export type WelchTTestResult = Ok<WelchTTestValues> | Degenerate<WelchTTestValues>;

/**
 * Welch two-sample t-test of treatment vs control from summaries.
 *
 * se = √(s_t²/n_t + s_c²/n_c);  t = (x̄_t − x̄_c)/se;
 * df = se⁴ / ((s_t²/n_t)²/(n_t − 1) + (s_c²/n_c)²/(n_c − 1))  (Welch 1947, Satterthwaite 1946);
 * CI (x̄_t − x̄_c) ± t_{df,1−α/2}·se. Matches R `t.test(treatment, control, var.equal = FALSE)`.
 * Relative lift x̄_t/x̄_c − 1 uses the delta-method variance with the same t quantile and df
 * (GrowthBook gbstats `frequentist/tests.py` `TwoSidedTTest`: `t.ppf(1 − α/2, dof)·√variance`).
 *
 * Degenerate data (n < 2 in an arm, or zero variance in both arms) gives
 * `status: "insufficient-data"`.
 *
 * @example welchTTest({ n: 200, mean: 10, variance: 9 }, { n: 220, mean: 10.8, variance: 12.25 })
 */
export function welchTTest(
  control: MeanSummary,
  treatment: MeanSummary,
  options: WelchTTestOptions = {},
): WelchTTestResult {
  const { alpha = 0.05, alternative = "two-sided" } = options;
  assertMeanSummary("control", control);
  assertMeanSummary("treatment", treatment);
  assertOpenUnit("alpha", alpha);
  assertAlternative("alternative", alternative);

  if (control.n < 2 || treatment.n < 2) return degenerate("each arm needs at least 2 units");
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const variance = vc + vt;
  if (!(variance > 0)) return degenerate("the metric has zero variance in both arms");
  const se = Math.sqrt(variance);
  const df = (variance * variance) / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
  const estimate = treatment.mean - control.mean;
  const t = estimate / se;
  const pValue =
    alternative === "greater"
      ? studentTSf(t, df)
      : alternative === "less"
        ? studentTCdf(t, df)
        : Math.min(1, 2 * studentTSf(Math.abs(t), df));
  const q = -studentTQuantile(alternative === "two-sided" ? alpha / 2 : alpha, df);
  return {
    status: "ok",
    t,
    df,
    pValue,
    estimate,
    ci: interval(estimate, se, q, alternative),
    standardError: se,
    relative: relativeResult(relativeLift(control.mean, vc, treatment.mean, vt), alpha, alternative, df),
  };
}

function degenerate(reason: string): Degenerate<WelchTTestValues> {
  return {
    status: "insufficient-data",
    reason,
    t: null,
    df: null,
    pValue: null,
    estimate: null,
    ci: null,
    standardError: null,
    relative: null,
  };
}
