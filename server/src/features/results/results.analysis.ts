import {
  type AdjustMethod,
  adjustPValues,
  chiSquareTest,
  type Interval,
  type MeanSummary,
  type ProportionSummary,
  proportionsTest,
  sequentialTest,
  welchTTest,
} from "@splitlab/stats";
import type { MetricType } from "../metrics/index.js";
import type { MetricSums } from "./results.repo.js";

/** A metric as the analysis sees it. */
export interface AnalysisMetric {
  key: string;
  name: string;
  type: MetricType;
  kind: "primary" | "guardrail";
  direction: "increase" | "decrease";
}

/** Per-variant sufficient statistics of one metric. */
export interface VariantSums {
  variant: string;
  sums: MetricSums;
}

/** Options shared by every comparison. */
export interface CompareOptions {
  alpha: number;
  sequential: boolean;
  /** N* of the confidence sequence (planned total units). */
  sequentialTuning: number;
}

/** One variant's summary of a metric as reported. */
export interface VariantStats {
  variant: string;
  /** Units in the denominator (mean metrics: units with at least one valued event). */
  units: number;
  /** Per-unit mean; binomial: conversion rate; mean metrics: Σ value / Σ events. */
  mean: number | null;
  /** Sample variance of the per-unit value (mean metrics: delta-method linearised variance). */
  variance: number | null;
  /** Σ of the per-unit (capped) values; mean metrics: Σ of the numerators. */
  sum: number;
  /** Binomial: converted units. */
  conversions?: number;
  /** Mean metrics: Σ of the denominators (valued events). */
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
  /** Fixed-horizon p-value adjusted across variants × primary metrics (guardrails: unadjusted). */
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

/** The report of one metric. */
export interface MetricReport {
  metric: string;
  name: string;
  type: MetricType;
  kind: "primary" | "guardrail";
  direction: "increase" | "decrease";
  variants: VariantStats[];
  comparisons: Comparison[];
  /** Binomial metrics with more than two variants: chi-square test of independence across all. */
  chiSquare?: { statistic: number | null; df: number | null; pValue: number | null };
}

/** Turns sums into the summary the stats functions take. */
export function summarize(type: MetricType, variant: string, s: MetricSums): VariantStats {
  const n = s.n;
  if (type === "mean") {
    const ratio = s.sumY > 0 ? s.sumX / s.sumY : null;
    let variance: number | null = null;
    if (n >= 2 && ratio !== null) {
      const mx = s.sumX / n;
      const my = s.sumY / n;
      const vx = (s.sumXX - n * mx * mx) / (n - 1);
      const vy = (s.sumYY - n * my * my) / (n - 1);
      const cxy = (s.sumXY - n * mx * my) / (n - 1);
      // Delta method for a ratio of means (Deng et al. 2018, "Applying the Delta Method in
      // Metric Analytics"): Var(R) ≈ (vx − 2R·cxy + R²·vy) / (n·my²); reported per unit (× n).
      variance = Math.max(0, (vx - 2 * ratio * cxy + ratio * ratio * vy) / (my * my));
    }
    return { variant, units: n, mean: ratio, variance, sum: s.sumX, denominator: s.sumY };
  }
  const mean = n > 0 ? s.sumX / n : null;
  const variance = n >= 2 && mean !== null ? Math.max(0, (s.sumXX - n * mean * mean) / (n - 1)) : null;
  const out: VariantStats = { variant, units: n, mean, variance, sum: s.sumX };
  if (type === "binomial") out.conversions = s.sumX;
  return out;
}

function asProportion(v: VariantStats): ProportionSummary {
  return { users: v.units, conversions: v.conversions ?? 0 };
}

function asMean(v: VariantStats): MeanSummary {
  return { n: v.units, mean: v.mean ?? 0, variance: v.variance ?? 0 };
}

/** Compares one treatment with the control (p-values not yet adjusted). */
export function compare(
  metric: AnalysisMetric,
  control: VariantStats,
  treatment: VariantStats,
  options: CompareOptions,
): Comparison {
  const base = {
    variant: treatment.variant,
    control: control.variant,
    adjustedPValue: null,
    significant: false,
  };
  const flat = "flat" as const;
  const binomial = metric.type === "binomial";
  const test = binomial ? ("two-proportion-z" as const) : ("welch-t" as const);
  const empty = (reason: string): Comparison => ({
    ...base,
    status: "insufficient-data",
    reason,
    test,
    absolute: { estimate: null, ci: null },
    relative: { estimate: null, ci: null },
    pValue: null,
    ...(options.sequential
      ? { sequential: { estimate: null, ci: null, pValue: null, adjustedPValue: null } }
      : {}),
    direction: flat,
  });
  if (control.units < 2 || treatment.units < 2) return empty("each variant needs at least 2 units");
  if (!binomial && (control.mean === null || treatment.mean === null)) return empty("no values to compare");
  const result = binomial
    ? proportionsTest(asProportion(control), asProportion(treatment), { alpha: options.alpha })
    : welchTTest(asMean(control), asMean(treatment), { alpha: options.alpha });
  if (result.status !== "ok") return empty(result.reason);
  const comparison: Comparison = {
    ...base,
    status: "ok",
    test,
    absolute: { estimate: result.estimate, ci: result.ci },
    relative: { estimate: result.relative?.estimate ?? null, ci: result.relative?.ci ?? null },
    pValue: result.pValue,
    direction: flat,
  };
  if (options.sequential) {
    const seq = binomial
      ? sequentialTest(asProportion(control), asProportion(treatment), {
          alpha: options.alpha,
          tuning: options.sequentialTuning,
        })
      : sequentialTest(asMean(control), asMean(treatment), {
          alpha: options.alpha,
          tuning: options.sequentialTuning,
        });
    comparison.sequential =
      seq.status === "ok"
        ? { estimate: seq.estimate, ci: seq.ci, pValue: seq.pValue, adjustedPValue: null }
        : { estimate: null, ci: null, pValue: null, adjustedPValue: null };
  }
  return comparison;
}

/** Sets `significant` and `direction` from the (adjusted) p-value and the metric's direction. */
export function judge(metric: AnalysisMetric, c: Comparison, options: CompareOptions): void {
  const decisive = options.sequential ? c.sequential?.adjustedPValue : c.adjustedPValue;
  c.significant = decisive !== null && decisive !== undefined && decisive < options.alpha;
  const estimate = c.absolute.estimate;
  if (!c.significant || estimate === null || estimate === 0) {
    c.direction = "flat";
    return;
  }
  const up = estimate > 0;
  c.direction = up === (metric.direction === "increase") ? "better" : "worse";
}

/** Maps the experiment's correction setting to `adjustPValues`' method. */
export function adjustMethodOf(correction: "none" | "holm" | "bh"): AdjustMethod | null {
  if (correction === "holm") return "holm";
  if (correction === "bh") return "benjamini-hochberg";
  return null;
}

/**
 * Fills `adjustedPValue` (and the sequential one): primary metrics' p-values form one family
 * (variants × primary metrics) adjusted by `method`; guardrails are judged unadjusted (a
 * guardrail exists to catch harm, so it is not made harder to flag).
 */
export function adjustFamily(reports: MetricReport[], method: AdjustMethod | null): void {
  const apply = (pick: (c: Comparison) => number | null, set: (c: Comparison, p: number) => void) => {
    const family: Comparison[] = [];
    for (const r of reports) {
      for (const c of r.comparisons) {
        const p = pick(c);
        if (p === null) continue;
        if (r.kind === "primary") family.push(c);
        else set(c, p);
      }
    }
    const raw = family.map((c) => pick(c) as number);
    const adjusted = method && raw.length > 0 ? adjustPValues(raw, method) : raw;
    for (const [i, c] of family.entries()) set(c, adjusted[i] as number);
  };
  apply(
    (c) => c.pValue,
    (c, p) => {
      c.adjustedPValue = p;
    },
  );
  apply(
    (c) => c.sequential?.pValue ?? null,
    (c, p) => {
      if (c.sequential) c.sequential.adjustedPValue = p;
    },
  );
}

/**
 * Builds one metric's report from per-variant sums (control first), p-values unadjusted;
 * binomial metrics with more than two variants also get a chi-square test across all.
 */
export function buildMetricReport(
  metric: AnalysisMetric,
  variants: VariantSums[],
  options: CompareOptions,
): MetricReport {
  const stats = variants.map((v) => summarize(metric.type, v.variant, v.sums));
  const [control, ...treatments] = stats;
  const report: MetricReport = {
    metric: metric.key,
    name: metric.name,
    type: metric.type,
    kind: metric.kind,
    direction: metric.direction,
    variants: stats,
    comparisons: control ? treatments.map((t) => compare(metric, control, t, options)) : [],
  };
  if (metric.type === "binomial" && stats.length > 2) {
    const chi = chiSquareTest(stats.map((v) => [v.conversions ?? 0, v.units - (v.conversions ?? 0)]));
    report.chiSquare =
      chi.status === "ok"
        ? { statistic: chi.statistic, df: chi.df, pValue: chi.pValue }
        : { statistic: null, df: null, pValue: null };
  }
  return report;
}
