import {
  type Interval,
  powerMeans,
  powerProportions,
  sampleRatioMismatch,
  sampleSizeMeans,
  sampleSizeProportions,
} from "@splitlab/stats";
import {
  type AnalysisMetric,
  adjustFamily,
  adjustMethodOf,
  buildMetricReport,
  type CompareOptions,
  judge,
  type MetricReport,
} from "./results.analysis.js";
import type { MetricSums, SegmentRow, VariantDayRow } from "./results.repo.js";

/** Fewer units than this in any variant: "not enough data" instead of a verdict. */
export const MIN_UNITS_PER_VARIANT = 100;
/** Binomial primary metrics: fewer conversions than this in any variant is "not enough data". */
export const MIN_CONVERSIONS_PER_VARIANT = 10;
/** Power at or above this counts as adequately powered. */
export const TARGET_POWER = 0.8;

/** What the report is built from (everything already aggregated; no event rows). */
export interface ReportInput {
  experiment: {
    key: string;
    status: string;
    startedAt: Date | null;
    variants: { key: string; weight: number }[];
    analysis: { alpha: number; sequential: boolean; correction: "none" | "holm" | "bh" };
  };
  metrics: AnalysisMetric[];
  rows: VariantDayRow[];
  segments?: { dimension: string; rows: SegmentRow[] };
  unknownVariantExposures: number;
  watermark: Date;
  /** Relative effect the power figure refers to (default 0.05 = 5 %). */
  mde?: number;
  sequentialTuning?: number;
}

/** Recommendations the report can make. */
export type Recommendation =
  | "ship"
  | "roll-back"
  | "keep-running"
  | "inconclusive"
  | "not-enough-data"
  | "investigate";

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

/** The results report (GET /api/v1/experiments/:key/results). */
export interface ResultsReport {
  experiment: string;
  status: string;
  startedAt: string | null;
  /** Exposures and events received up to this instant are included. */
  dataThrough: string;
  srm: {
    pValue: number | null;
    mismatch: boolean;
    observed: number[];
    expected: number[];
    variants: string[];
  };
  multipleExposures: number;
  unknownVariantExposures: number;
  units: { variant: string; units: number }[];
  metrics: MetricReport[];
  decision: { recommendation: Recommendation; variant?: string; reasons: string[] };
  power: {
    achieved: number | null;
    mde: number;
    metric: string | null;
    daysLeft?: number;
    unitsPerDay?: number;
  };
  series: SeriesPoint[];
  breakdown?: {
    dimension: string;
    segments: { segment: string; units: { variant: string; units: number }[]; metrics: MetricReport[] }[];
  };
}

const zero = (): MetricSums => ({ n: 0, sumX: 0, sumXX: 0, sumY: 0, sumYY: 0, sumXY: 0 });

function add(a: MetricSums, b: MetricSums): MetricSums {
  return {
    n: a.n + b.n,
    sumX: a.sumX + b.sumX,
    sumXX: a.sumXX + b.sumXX,
    sumY: a.sumY + b.sumY,
    sumYY: a.sumYY + b.sumYY,
    sumXY: a.sumXY + b.sumXY,
  };
}

interface Totals {
  units: Map<string, number>;
  sums: Map<string, MetricSums[]>;
}

function emptyTotals(variants: string[], metricCount: number): Totals {
  return {
    units: new Map(variants.map((v) => [v, 0])),
    sums: new Map(variants.map((v) => [v, Array.from({ length: metricCount }, zero)])),
  };
}

function accumulate(t: Totals, row: { variant: string; units: number; metrics: MetricSums[] }): void {
  const current = t.sums.get(row.variant);
  if (!current) return;
  t.units.set(row.variant, (t.units.get(row.variant) ?? 0) + row.units);
  t.sums.set(
    row.variant,
    current.map((s, i) => add(s, row.metrics[i] ?? zero())),
  );
}

function metricReports(
  input: ReportInput,
  variants: string[],
  totals: Totals,
  options: CompareOptions,
): MetricReport[] {
  const reports = input.metrics.map((metric, i) =>
    buildMetricReport(
      metric,
      variants.map((v) => ({ variant: v, sums: totals.sums.get(v)?.[i] ?? zero() })),
      options,
    ),
  );
  adjustFamily(reports, adjustMethodOf(input.experiment.analysis.correction));
  reports.forEach((r, i) => {
    const metric = input.metrics[i];
    if (metric) for (const c of r.comparisons) judge(metric, c, options);
  });
  return reports;
}

const dayToDate = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/**
 * Builds the report from aggregated rows: SRM against the planned weights, per-metric variant
 * statistics and comparisons vs the control (first variant), adjusted p-values, the decision,
 * power at the current traffic, the daily cumulative series and the optional breakdown.
 */
export function buildReport(input: ReportInput): ResultsReport {
  const { experiment } = input;
  const variants = experiment.variants.map((v) => v.key);
  const alpha = experiment.analysis.alpha;
  const mde = input.mde ?? 0.05;
  const options: CompareOptions = {
    alpha,
    sequential: experiment.analysis.sequential,
    sequentialTuning: input.sequentialTuning ?? 5000,
  };
  const totals = emptyTotals(variants, input.metrics.length);
  let multipleExposures = 0;
  const days = [...new Set(input.rows.map((r) => r.day))].sort((a, b) => a - b);
  const series: SeriesPoint[] = [];
  for (const day of days) {
    for (const row of input.rows) {
      if (row.day !== day) continue;
      if (row.multi) multipleExposures += row.units;
      else accumulate(totals, row);
    }
    const reports = metricReports(input, variants, totals, options);
    series.push({
      date: dayToDate(day),
      units: variants.map((v) => ({ variant: v, units: totals.units.get(v) ?? 0 })),
      metrics: reports.map((r) => ({
        metric: r.metric,
        variants: r.variants.map((v) => ({ variant: v.variant, mean: v.mean })),
        comparisons: r.comparisons.map((c) => ({
          variant: c.variant,
          estimate: c.absolute.estimate,
          ci: c.absolute.ci,
          pValue: c.pValue,
          ...(c.sequential ? { sequential: { ci: c.sequential.ci, pValue: c.sequential.pValue } } : {}),
        })),
      })),
    });
  }
  const metrics = metricReports(input, variants, totals, options);
  const observed = variants.map((v) => totals.units.get(v) ?? 0);
  const totalUnits = observed.reduce((a, b) => a + b, 0);
  const weightSum = experiment.variants.reduce((a, v) => a + v.weight, 0);
  const weights = experiment.variants.map((v) => v.weight / weightSum);
  const srmResult = totalUnits > 0 && variants.length >= 2 ? sampleRatioMismatch(observed, weights) : null;
  const srm = {
    variants,
    observed,
    expected: weights.map((w) => w * totalUnits),
    pValue: srmResult?.status === "ok" ? srmResult.pValue : null,
    mismatch: srmResult?.status === "ok" ? srmResult.mismatch : false,
  };
  const firstDay = days[0];
  const lastDay = days[days.length - 1];
  const startMs = experiment.startedAt?.getTime() ?? (firstDay !== undefined ? firstDay * 86_400_000 : null);
  const elapsedDays =
    startMs !== null
      ? Math.max((input.watermark.getTime() - startMs) / 86_400_000, lastDay !== undefined ? 1 : 0)
      : 0;
  const power = computePower(input, metrics, mde, totalUnits, elapsedDays);
  const report: ResultsReport = {
    experiment: experiment.key,
    status: experiment.status,
    startedAt: experiment.startedAt?.toISOString() ?? null,
    dataThrough: input.watermark.toISOString(),
    srm,
    multipleExposures,
    unknownVariantExposures: input.unknownVariantExposures,
    units: variants.map((v) => ({ variant: v, units: totals.units.get(v) ?? 0 })),
    metrics,
    decision: decide(metrics, srm, power, observed),
    power,
    series,
  };
  if (input.segments) report.breakdown = buildBreakdown(input, variants, options);
  return report;
}

function buildBreakdown(
  input: ReportInput,
  variants: string[],
  options: CompareOptions,
): ResultsReport["breakdown"] {
  const segments = input.segments;
  if (!segments) return undefined;
  const names = [...new Set(segments.rows.map((r) => r.segment))];
  return {
    dimension: segments.dimension,
    segments: names.map((segment) => {
      const totals = emptyTotals(variants, input.metrics.length);
      for (const row of segments.rows) if (row.segment === segment) accumulate(totals, row);
      return {
        segment,
        units: variants.map((v) => ({ variant: v, units: totals.units.get(v) ?? 0 })),
        metrics: metricReports(input, variants, totals, options),
      };
    }),
  };
}

/**
 * Power of the first primary metric to detect a relative effect of `mde` with the units per
 * variant so far (R power.prop.test / power.t.test via stats), and, when under-powered, the days
 * left at the current traffic (units per day since the start) to reach {@link TARGET_POWER}.
 */
function computePower(
  input: ReportInput,
  metrics: MetricReport[],
  mde: number,
  totalUnits: number,
  elapsedDays: number,
): ResultsReport["power"] {
  const primary = metrics.find((m) => m.kind === "primary");
  const control = primary?.variants[0];
  const k = input.experiment.variants.length;
  const base = { achieved: null, mde, metric: primary?.metric ?? null };
  if (!primary || !control || control.mean === null || control.units < 2) return base;
  const perVariant = Math.min(...primary.variants.map((v) => v.units));
  const alpha = input.experiment.analysis.alpha;
  let achieved: number | null = null;
  let needed: number | null = null;
  if (primary.type === "binomial") {
    const rate = control.mean;
    if (rate <= 0 || rate >= 1 || rate * (1 + mde) >= 1) return base;
    const p = powerProportions({ baselineRate: rate, mde, alpha, perVariant: Math.max(perVariant, 2) });
    achieved = p.status === "ok" ? p.power : null;
    const n = sampleSizeProportions({ baselineRate: rate, mde, alpha, power: TARGET_POWER, variants: k });
    needed = n.status === "ok" ? n.perVariant : null;
  } else {
    const sd = Math.sqrt(control.variance ?? 0);
    const effect = Math.abs(control.mean) * mde;
    if (!(sd > 0) || !(effect > 0)) return base;
    const p = powerMeans({ sd, mde: effect, alpha, perVariant: Math.max(perVariant, 2) });
    achieved = p.status === "ok" ? p.power : null;
    const n = sampleSizeMeans({ sd, mde: effect, alpha, power: TARGET_POWER, variants: k });
    needed = n.status === "ok" ? n.perVariant : null;
  }
  const out: ResultsReport["power"] = { ...base, achieved };
  if (elapsedDays > 0 && totalUnits > 0) {
    const unitsPerDay = totalUnits / elapsedDays;
    out.unitsPerDay = unitsPerDay;
    if (needed !== null) {
      // Planned split: the smallest variant grows at its share of the traffic.
      const minShare =
        Math.min(...input.experiment.variants.map((v) => v.weight)) /
        input.experiment.variants.reduce((a, v) => a + v.weight, 0);
      out.daysLeft = Math.max(0, Math.ceil((needed - perVariant) / (unitsPerDay * minShare)));
    }
  }
  return out;
}

/**
 * The recommendation: SRM first (results untrustworthy), then too little data, then a
 * significantly worse guardrail (blocks ship), then the primary metrics.
 */
function decide(
  metrics: MetricReport[],
  srm: ResultsReport["srm"],
  power: ResultsReport["power"],
  observed: number[],
): ResultsReport["decision"] {
  const reasons: string[] = [];
  if (srm.mismatch) {
    reasons.push(
      `sample ratio mismatch (p = ${srm.pValue?.toExponential(2)} < 0.001): the observed split ${srm.observed.join("/")} differs from the planned ${srm.expected.map((e) => Math.round(e)).join("/")}; assignment or logging is broken, do not trust these results`,
    );
    return { recommendation: "investigate", reasons };
  }
  const primaries = metrics.filter((m) => m.kind === "primary");
  const guardrails = metrics.filter((m) => m.kind === "guardrail");
  const minUnits = Math.min(...observed);
  if (observed.length === 0 || minUnits < MIN_UNITS_PER_VARIANT) {
    reasons.push(
      `not enough data: ${minUnits} units in the smallest variant (need at least ${MIN_UNITS_PER_VARIANT})`,
    );
    return { recommendation: "not-enough-data", reasons };
  }
  for (const m of primaries) {
    if (m.type !== "binomial") continue;
    const fewest = Math.min(...m.variants.map((v) => v.conversions ?? 0));
    if (fewest < MIN_CONVERSIONS_PER_VARIANT) {
      reasons.push(
        `not enough data: ${m.metric} has ${fewest} conversions in a variant (need at least ${MIN_CONVERSIONS_PER_VARIANT})`,
      );
      return { recommendation: "not-enough-data", reasons };
    }
  }
  const harmed = guardrails.flatMap((m) =>
    m.comparisons.filter((c) => c.direction === "worse").map((c) => ({ m, c })),
  );
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
  const winners = [...better.entries()]
    .filter(([v]) => !worse.has(v) && !harmedVariants.has(v))
    .sort((a, b) => b[1] - a[1]);
  const winner = winners[0];
  if (winner) return { recommendation: "ship", variant: winner[0], reasons };
  if (better.size > 0) {
    reasons.push("no variant wins without a significant harm: do not ship");
    return { recommendation: "inconclusive", reasons };
  }
  if (worse.size > 0 || harmed.length > 0) return { recommendation: "roll-back", reasons };
  if (primaries.length === 0) {
    reasons.push("the experiment has no primary metric");
    return { recommendation: "inconclusive", reasons };
  }
  if (power.achieved !== null && power.achieved < TARGET_POWER) {
    reasons.push(
      `no significant difference yet; power to detect a ${(power.mde * 100).toFixed(1)}% change is ${(power.achieved * 100).toFixed(0)}%` +
        (power.daysLeft !== undefined ? `, about ${power.daysLeft} more days at the current traffic` : ""),
    );
    return { recommendation: "keep-running", reasons };
  }
  reasons.push(
    `no significant difference with adequate power (≥ ${TARGET_POWER * 100}%) to detect a ${(power.mde * 100).toFixed(1)}% change`,
  );
  return { recommendation: "inconclusive", reasons };
}
