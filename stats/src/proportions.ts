/**
 * Two-proportion z-test (treatment − control) with a Wald interval and a delta-method relative lift.
 */
import {
  interval,
  normalCritical,
  normalPValue,
  type RelativeResult,
  relativeLift,
  relativeResult,
} from "./delta-method.js";
import type { Alternative, Degenerate, Interval, Ok, ProportionSummary } from "./types.js";
import { assertAlternative, assertOpenUnit, assertProportionSummary } from "./validate.js";

/** Options for {@link proportionsTest}. */
export interface ProportionsTestOptions {
  /** Significance level; the intervals have coverage 1 − alpha. Default 0.05. */
  alpha?: number;
  /** Alternative hypothesis about treatment − control. Default "two-sided". */
  alternative?: Alternative;
}

/** Values of a proportions test. */
export interface ProportionsTestValues {
  /** z statistic with the pooled standard error. */
  z: number;
  pValue: number;
  /** Absolute difference p_t − p_c. */
  estimate: number;
  /** Wald interval for p_t − p_c (unpooled standard error), clipped to [−1, 1] as R does. */
  ci: Interval;
  controlRate: number;
  treatmentRate: number;
  /** Relative lift p_t/p_c − 1 (delta method); null when the control rate is 0. */
  relative: RelativeResult | null;
}

/** Result of {@link proportionsTest}. */
export type ProportionsTestResult = Ok<ProportionsTestValues> | Degenerate<ProportionsTestValues>;

/**
 * Two-proportion z-test of treatment vs control.
 *
 * p̂ = (x_c + x_t)/(n_c + n_t);  z = (p̂_t − p̂_c) / √(p̂(1 − p̂)(1/n_c + 1/n_t));
 * two-sided p = 2Φ(−|z|) (equals R `prop.test(correct = FALSE)` and the 2×2 chi-square test).
 * CI: (p̂_t − p̂_c) ± z_{1−α/2} √(p̂_t(1−p̂_t)/n_t + p̂_c(1−p̂_c)/n_c) (Wald, as `prop.test`).
 * Relative lift p̂_t/p̂_c − 1 with the delta-method variance (see delta-method.ts).
 *
 * Degenerate data (fewer than 2 users in an arm, or no variation: nobody or everybody converted)
 * gives `status: "insufficient-data"`. Reference: Agresti (2013) Categorical Data Analysis §3.1;
 * R `prop.test`.
 *
 * @example proportionsTest({ users: 10000, conversions: 1000 }, { users: 10000, conversions: 1100 })
 *   // { status: "ok", z: 2.3066…, pValue: 0.02107…, estimate: 0.01, ci: [0.001504…, 0.018496…], … }
 */
export function proportionsTest(
  control: ProportionSummary,
  treatment: ProportionSummary,
  options: ProportionsTestOptions = {},
): ProportionsTestResult {
  const { alpha = 0.05, alternative = "two-sided" } = options;
  assertProportionSummary("control", control);
  assertProportionSummary("treatment", treatment);
  assertOpenUnit("alpha", alpha);
  assertAlternative("alternative", alternative);

  if (control.users < 2 || treatment.users < 2) {
    return degenerate("each arm needs at least 2 users");
  }
  const pc = control.conversions / control.users;
  const pt = treatment.conversions / treatment.users;
  const pooled = (control.conversions + treatment.conversions) / (control.users + treatment.users);
  if (pooled === 0 || pooled === 1) {
    return degenerate(pooled === 0 ? "no conversions in either arm" : "every user converted in both arms");
  }
  const estimate = pt - pc;
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / control.users + 1 / treatment.users));
  const z = estimate / sePooled;
  const varC = (pc * (1 - pc)) / control.users;
  const varT = (pt * (1 - pt)) / treatment.users;
  const [lo, hi] = interval(
    estimate,
    Math.sqrt(varC + varT),
    normalCritical(alpha, alternative),
    alternative,
  );
  const ci: Interval = [Math.max(-1, Math.min(1, lo)), Math.max(-1, Math.min(1, hi))];
  return {
    status: "ok",
    z,
    pValue: normalPValue(z, alternative),
    estimate,
    ci,
    controlRate: pc,
    treatmentRate: pt,
    relative: relativeResult(relativeLift(pc, varC, pt, varT), alpha, alternative),
  };
}

function degenerate(reason: string): Degenerate<ProportionsTestValues> {
  return {
    status: "insufficient-data",
    reason,
    z: null,
    pValue: null,
    estimate: null,
    ci: null,
    controlRate: null,
    treatmentRate: null,
    relative: null,
  };
}
