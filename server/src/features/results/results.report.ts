import { type Interval, sampleRatioMismatch } from "@splitlab/stats";
import {
  type AnalysisMetric,
  adjustFamily,
  adjustMethodOf,
  buildMetricReport,
  type CompareOptions,
  judge,
  type MetricReport,
} from "./results.analysis.js";
import { type CupedComparison, compareCuped } from "./results.cuped.js";
import {
  checkHealth,
  computePower,
  type Decision,
  decide,
  type Health,
  type PowerReport,
  SRM_P_THRESHOLD,
} from "./results.decision.js";
import type { Looks } from "./results.looks.js";
import type { MetricSums, SegmentRow, VariantDayRow } from "./results.repo.js";
import { type SegmentSrm, segmentSrm } from "./results.segments.js";

/** What the report is built from (everything already aggregated; no event rows). */
export interface ReportInput {
  experiment: {
    key: string;
    status: string;
    startedAt: Date | null;
    variants: { key: string; weight: number }[];
    analysis: { alpha: number; sequential: boolean; correction: "none" | "holm" | "bh" };
  };
  /** With each metric's CUPED lookback (days; 0 = none), which the report's CUPED part states. */
  metrics: (AnalysisMetric & { cupedLookbackDays?: number })[];
  rows: VariantDayRow[];
  segments?: { dimension: string; rows: SegmentRow[] };
  watermark: Date;
  /** Relative effect the power figure refers to (default 0.05 = 5 %). */
  mde?: number;
  sequentialTuning?: number;
  /** The worker's looks: when present, the series gives what the report said at the end of each day. */
  looks?: Looks;
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
  units: { variant: string; units: number }[];
  metrics: MetricReport[];
  /** Each health check with its status and a sentence; a `problem` blocks "ship". */
  health: Health;
  decision: Decision;
  power: PowerReport;
  series: SeriesPoint[];
  /**
   * `looks`: point d is the report as of the end of UTC day d (units first exposed and events
   * timestamped before then), through `seriesThrough`; `first-exposure-cohorts` (before the
   * worker has computed the looks): point d holds the units first exposed by day d with their
   * values as of now.
   */
  seriesBasis: "looks" | "first-exposure-cohorts";
  /** `looks`: the data watermark the looks were computed at (they are recomputed now and then). */
  seriesThrough?: string;
  /**
   * CUPED (computed by the worker with the looks, through `through`): per non-ratio metric, each
   * treatment vs control unadjusted and adjusted by the same metric over its `lookbackDays`
   * before each unit's first exposure, with θ and the variance reduction. Informative: the
   * decision uses the unadjusted tests.
   */
  cuped?: {
    through: string;
    metrics: { metric: string; lookbackDays: number; comparisons: CupedComparison[] }[];
  };
  breakdown?: {
    dimension: string;
    segments: {
      segment: string;
      units: { variant: string; units: number }[];
      /** The segment's own SRM check (its units against the planned weights). */
      srm: SegmentSrm;
      metrics: MetricReport[];
    }[];
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
 * statistics and comparisons vs the control (first variant), adjusted p-values, the health checks,
 * power and decision (results.decision.ts), the daily cumulative series and the optional breakdown.
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
    if (!input.looks)
      series.push(seriesPoint(day, variants, totals, metricReports(input, variants, totals, options)));
  }
  const metrics = metricReports(input, variants, totals, options);
  const observed = variants.map((v) => totals.units.get(v) ?? 0);
  const totalUnits = observed.reduce((a, b) => a + b, 0);
  const weightSum = experiment.variants.reduce((a, v) => a + v.weight, 0);
  const weights = experiment.variants.map((v) => v.weight / weightSum);
  const srmResult =
    totalUnits > 0 && variants.length >= 2
      ? sampleRatioMismatch(observed, weights, { threshold: SRM_P_THRESHOLD })
      : null;
  const srm = {
    variants,
    observed,
    expected: weights.map((w) => w * totalUnits),
    pValue: srmResult?.status === "ok" ? srmResult.pValue : null,
    mismatch: srmResult?.status === "ok" ? srmResult.mismatch : false,
  };
  const firstDay = days[0];
  const startMs = experiment.startedAt?.getTime() ?? (firstDay !== undefined ? firstDay * 86_400_000 : null);
  const power = computePower({
    metrics,
    analysis: experiment.analysis,
    sequentialTuning: options.sequentialTuning,
    mde,
    elapsedDays: startMs !== null ? (input.watermark.getTime() - startMs) / 86_400_000 : null,
    running: experiment.status === "running",
  });
  const health = checkHealth({ srm, multipleExposures, units: observed, metrics });
  const report: ResultsReport = {
    experiment: experiment.key,
    status: experiment.status,
    startedAt: experiment.startedAt?.toISOString() ?? null,
    dataThrough: input.watermark.toISOString(),
    srm,
    multipleExposures,
    units: variants.map((v) => ({ variant: v, units: totals.units.get(v) ?? 0 })),
    metrics,
    health,
    decision: decide(metrics, health, power),
    power,
    series: input.looks ? lookSeries(input, variants, options, input.looks) : series,
    seriesBasis: input.looks ? "looks" : "first-exposure-cohorts",
    ...(input.looks ? { seriesThrough: input.looks.watermark.toISOString() } : {}),
  };
  if (input.looks) {
    const table = input.looks.cuped;
    report.cuped = {
      through: input.looks.watermark.toISOString(),
      metrics: input.metrics.flatMap((m) => {
        const rows = table[m.key];
        return rows
          ? [
              {
                metric: m.key,
                lookbackDays: m.cupedLookbackDays ?? 0,
                comparisons: compareCuped(rows, variants, alpha),
              },
            ]
          : [];
      }),
    };
  }
  if (input.segments) report.breakdown = buildBreakdown(input, variants, options);
  return report;
}

function seriesPoint(day: number, variants: string[], totals: Totals, reports: MetricReport[]): SeriesPoint {
  return {
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
  };
}

/**
 * The looks: at the end of each day, units first exposed by then and the sums of their values
 * from events timestamped by then (per-day increments, results.looks.ts), with every test
 * (incl. the always-valid interval and the correction) as the report would have run it.
 */
function lookSeries(
  input: ReportInput,
  variants: string[],
  options: CompareOptions,
  looks: Looks,
): SeriesPoint[] {
  const unitRows = looks.units.filter((r) => !r.multi);
  const days = [...new Set([...unitRows.map((r) => r.day), ...looks.increments.map((r) => r.day)])].sort(
    (a, b) => a - b,
  );
  const units = new Map(variants.map((v) => [v, 0]));
  const sums = new Map(variants.map((v) => [v, input.metrics.map(zero)]));
  const points: SeriesPoint[] = [];
  for (const day of days) {
    for (const r of unitRows)
      if (r.day === day && units.has(r.variant)) units.set(r.variant, (units.get(r.variant) ?? 0) + r.units);
    for (const inc of looks.increments) {
      const current = sums.get(inc.variant);
      if (inc.day !== day || !current) continue;
      sums.set(
        inc.variant,
        current.map((s, i) => add(s, inc.metrics[i] ?? zero())),
      );
    }
    const totals: Totals = {
      units: new Map(units),
      sums: new Map(
        variants.map((v) => {
          const n = units.get(v) ?? 0;
          const own = sums.get(v) ?? [];
          return [
            v,
            input.metrics.map((m, i) => {
              const s = own[i] ?? zero();
              return m.type === "mean" ? s : { ...s, n, sumY: n, sumYY: n };
            }),
          ];
        }),
      ),
    };
    points.push(seriesPoint(day, variants, totals, metricReports(input, variants, totals, options)));
  }
  return points;
}

function buildBreakdown(
  input: ReportInput,
  variants: string[],
  options: CompareOptions,
): ResultsReport["breakdown"] {
  const segments = input.segments;
  if (!segments) return undefined;
  const names = [...new Set(segments.rows.map((r) => r.segment))];
  const weights = input.experiment.variants.map((v) => v.weight);
  return {
    dimension: segments.dimension,
    segments: names.map((segment) => {
      const totals = emptyTotals(variants, input.metrics.length);
      for (const row of segments.rows) if (row.segment === segment) accumulate(totals, row);
      const units = variants.map((v) => totals.units.get(v) ?? 0);
      return {
        segment,
        units: variants.map((v, i) => ({ variant: v, units: units[i] ?? 0 })),
        srm: segmentSrm(units, weights),
        metrics: metricReports(input, variants, totals, options),
      };
    }),
  };
}
