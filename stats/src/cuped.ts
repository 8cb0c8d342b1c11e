/**
 * CUPED: variance reduction by regression adjustment on a pre-experiment covariate
 * (Deng, Xu, Kohavi & Walker 2013, "Improving the Sensitivity of Online Controlled Experiments by
 * Utilizing Pre-Experiment Data", WSDM).
 */
import type { Degenerate, MeanSummary, Ok } from "./types.js";
import { assertFinite, assertMeanSummary } from "./validate.js";

/** Per-arm summary of the metric Y and the pre-period covariate X (sample moments, n − 1). */
export interface CupedSummary extends MeanSummary {
  covariateMean: number;
  covariateVariance: number;
  /** Sample covariance of Y and X within the arm. */
  covariance: number;
}

/** Values of a CUPED adjustment. */
export interface CupedValues {
  /** Pooled within-arm slope θ = Σ(n_a − 1)cov_a(Y, X) / Σ(n_a − 1)var_a(X). */
  theta: number;
  /** Adjusted control summary, to pass to welchTTest / sequentialTest. */
  control: MeanSummary;
  /** Adjusted treatment summary. */
  treatment: MeanSummary;
  /** 1 − (adjusted variance of the difference)/(unadjusted variance). */
  varianceReduction: number;
}

/** Result of {@link cuped}. */
export type CupedResult = Ok<CupedValues> | Degenerate<CupedValues>;

function assertCuped(name: string, s: CupedSummary): void {
  assertMeanSummary(name, s);
  assertFinite(`${name}.covariateMean`, s.covariateMean);
  assertFinite(`${name}.covariateVariance`, s.covariateVariance);
  assertFinite(`${name}.covariance`, s.covariance);
  if (s.covariateVariance < 0) throw new RangeError(`${name}.covariateVariance must be >= 0`);
}

/**
 * Regression-adjusts each arm's metric by the pre-period covariate.
 *
 * θ = Σ_a (n_a − 1)·cov_a(Y, X) / Σ_a (n_a − 1)·var_a(X)  (pooled within arms);
 * Ȳ_a^adj = Ȳ_a − θ(X̄_a − X̄),  X̄ = pooled covariate mean;
 * s²_adj,a = s²_Y,a − 2θ·cov_a(Y, X) + θ²·s²_X,a  (the sample variance of Y − θX in arm a).
 * The adjusted difference equals the treatment coefficient of `lm(y ~ arm + x)` in R; feed the
 * adjusted summaries to {@link welchTTest} or {@link sequentialTest} (θ is estimated from the
 * data, a second-order effect ignored there as in Deng et al.). No covariate variance or n < 2 in
 * an arm gives `status: "insufficient-data"`.
 *
 * @example cuped(controlSummary, treatmentSummary).treatment // { n, mean, variance } adjusted
 */
export function cuped(control: CupedSummary, treatment: CupedSummary): CupedResult {
  assertCuped("control", control);
  assertCuped("treatment", treatment);
  const none = (reason: string): CupedResult => ({
    status: "insufficient-data",
    reason,
    theta: null,
    control: null,
    treatment: null,
    varianceReduction: null,
  });
  if (control.n < 2 || treatment.n < 2) return none("each arm needs at least 2 units");
  const sxx = (control.n - 1) * control.covariateVariance + (treatment.n - 1) * treatment.covariateVariance;
  if (!(sxx > 0)) return none("the covariate has no variance");
  const theta = ((control.n - 1) * control.covariance + (treatment.n - 1) * treatment.covariance) / sxx;
  const xBar =
    (control.n * control.covariateMean + treatment.n * treatment.covariateMean) / (control.n + treatment.n);
  const adjust = (s: CupedSummary): MeanSummary => ({
    n: s.n,
    mean: s.mean - theta * (s.covariateMean - xBar),
    variance: Math.max(0, s.variance - 2 * theta * s.covariance + theta * theta * s.covariateVariance),
  });
  const c = adjust(control);
  const t = adjust(treatment);
  const before = control.variance / control.n + treatment.variance / treatment.n;
  const after = c.variance / c.n + t.variance / t.n;
  return {
    status: "ok",
    theta,
    control: c,
    treatment: t,
    varianceReduction: before > 0 ? 1 - after / before : 0,
  };
}
