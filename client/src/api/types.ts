/**
 * API response types the UI reads, mirroring the server's current shapes:
 * server/src/features/experiments/experiments.schemas.ts (`experimentResponse`),
 * server/src/features/results/results.report.ts (`ResultsReport`), results.analysis.ts and
 * results.decision.ts. When the server exports its zod response schemas as
 * `@splitlab/server/contract`, this file becomes re-exports from there (one-file change).
 */

/** Lifecycle statuses, in order. */
export const EXPERIMENT_STATUSES = ["draft", "running", "stopped", "archived"] as const;
/** One of {@link EXPERIMENT_STATUSES}. */
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** A JSON value (variant payloads, conditions). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `GET /api/v1/experiments/:key` and each item of the list. */
export interface Experiment {
  key: string;
  name: string;
  hypothesis: string;
  status: ExperimentStatus;
  seed: string;
  hashVersion: 1;
  unitAttribute: string;
  variants: { key: string; name: string; weight: number; payload?: Json }[];
  coverage: number;
  layer: { key: string; range: [number, number] } | null;
  condition: Record<string, Json> | null;
  forced: Record<string, string>;
  primaryMetrics: string[];
  guardrailMetrics: string[];
  analysis: { alpha: number; sequential: boolean; correction: "none" | "holm" | "bh" };
  decision: { outcome: "ship" | "rollback" | "inconclusive"; variant?: string; note: string } | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  stoppedAt: string | null;
  archivedAt: string | null;
}

/** `GET /api/v1/experiments`. */
export interface ExperimentList {
  experiments: Experiment[];
}

/** [lower, upper]. */
export type Interval = [number, number];

/** One variant's summary of a metric. */
export interface VariantStats {
  variant: string;
  units: number;
  mean: number | null;
  variance: number | null;
  sum: number;
  conversions?: number;
  denominator?: number;
}

/** Treatment vs control on one metric. */
export interface Comparison {
  variant: string;
  control: string;
  status: "ok" | "insufficient-data";
  reason?: string;
  test: "two-proportion-z" | "welch-t";
  absolute: { estimate: number | null; ci: Interval | null };
  relative: { estimate: number | null; ci: Interval | null };
  pValue: number | null;
  adjustedPValue: number | null;
  sequential?: {
    estimate: number | null;
    ci: Interval | null;
    pValue: number | null;
    adjustedPValue: number | null;
  };
  significant: boolean;
  direction: "better" | "worse" | "flat";
}

/** Metric types. */
export type MetricType = "binomial" | "count" | "sum" | "mean";

/** The report of one metric. */
export interface MetricReport {
  metric: string;
  name: string;
  type: MetricType;
  kind: "primary" | "guardrail";
  direction: "increase" | "decrease";
  variants: VariantStats[];
  comparisons: Comparison[];
  chiSquare?: { statistic: number | null; df: number | null; pValue: number | null };
}

/** Recommendations of the report. */
export type Recommendation =
  | "ship"
  | "roll-back"
  | "keep-running"
  | "inconclusive"
  | "not-enough-data"
  | "investigate";

/** One health check. */
export interface HealthCheck {
  check: "srm" | "multiple-exposures" | "sample-size";
  status: "ok" | "warning" | "problem" | "not-checked";
  message: string;
  value: number | null;
  threshold: number;
}

/** The power figure of the report. */
export interface PowerReport {
  achieved: number | null;
  mde: number;
  metric: string | null;
  test: "sequential" | "fixed-horizon";
  comparisons: number;
  alpha: number;
  target: number;
  neededPerVariant?: number;
  elapsedDays?: number;
  unitsPerDay?: number;
  daysLeft?: number;
  reason?: string;
}

/** One point of the daily cumulative series. */
export interface SeriesPoint {
  date: string;
  units: { variant: string; units: number }[];
  metrics: {
    metric: string;
    variants: { variant: string; mean: number | null }[];
    comparisons: {
      variant: string;
      estimate: number | null;
      ci: Interval | null;
      pValue: number | null;
      sequential?: { ci: Interval | null; pValue: number | null };
    }[];
  }[];
}

/** A CUPED comparison: one treatment against the control, unadjusted and adjusted by the pre-exposure covariate. */
export interface CupedComparison {
  variant: string;
  status: "ok" | "insufficient-data";
  reason?: string;
  theta: number | null;
  /** 1 − adjusted / unadjusted variance of the difference in means. */
  varianceReduction: number | null;
  unadjusted: { estimate: number | null; ci: Interval | null; pValue: number | null };
  adjusted: { estimate: number | null; ci: Interval | null; pValue: number | null };
}

/** `GET /api/v1/experiments/:key/results`. */
export interface ResultsReport {
  experiment: string;
  status: string;
  startedAt: string | null;
  dataThrough: string;
  srm: {
    pValue: number | null;
    mismatch: boolean;
    observed: number[];
    expected: number[];
    variants: string[];
  };
  multipleExposures: number;
  units: { variant: string; units: number }[];
  metrics: MetricReport[];
  health: { status: "ok" | "warning" | "problem"; checks: HealthCheck[] };
  decision: { recommendation: Recommendation; variant?: string; reasons: string[] };
  power: PowerReport;
  series: SeriesPoint[];
  /**
   * `looks`: point d is the report as of the end of UTC day d, through `seriesThrough`;
   * `first-exposure-cohorts`: point d holds the units first exposed by day d with their values as of now.
   * Absent from servers before the results worker.
   */
  seriesBasis?: "looks" | "first-exposure-cohorts";
  seriesThrough?: string;
  /** CUPED per non-ratio metric (informative; the decision uses the unadjusted tests). */
  cuped?: {
    lookbackDays: number;
    through: string;
    metrics: { metric: string; comparisons: CupedComparison[] }[];
  };
  breakdown?: {
    dimension: string;
    segments: {
      segment: string;
      units: { variant: string; units: number }[];
      /** The segment's own SRM check (server: results.segments.ts); absent from older servers. */
      srm?: { pValue: number | null; mismatch: boolean; observed: number[]; expected: number[] };
      metrics: MetricReport[];
    }[];
  };
}

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
