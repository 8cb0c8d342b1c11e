/**
 * The scorecard as plain data: one row per metric (primary first, then guardrails) and treatment,
 * the values and lifts formatted for the metric's type, the shared axis of the interval bars, the
 * words that explain each number, and CSV export. No React here (unit-tested).
 */
import type { Comparison, Interval, MetricReport, MetricType, VariantStats } from "../../api/types.js";
import {
  formatCount,
  formatLift,
  formatLiftInterval,
  formatNumber,
  formatPercent,
  formatPp,
  formatPpInterval,
  formatPValue,
  formatSigned,
  formatSignedInterval,
} from "../../ui/format.js";
import { type Verdict, verdictOf } from "../../ui/verdict.js";

/** How lifts are shown: relative (treatment/control − 1) or absolute (treatment − control). */
export type DiffMode = "relative" | "absolute";

/** The experiment's analysis settings the scorecard explains itself with. */
export interface AnalysisSettings {
  alpha: number;
  sequential: boolean;
  correction: "none" | "holm" | "bh";
}

/** One row of the scorecard: a treatment against the control on one metric. */
export interface ScoreRow {
  /** Stable key: metric + variant. */
  id: string;
  metric: MetricReport;
  comparison: Comparison;
  control: VariantStats | null;
  treatment: VariantStats | null;
  /** Whether this is the metric's first row (the metric's name cell spans its rows). */
  first: boolean;
  /** Rows of this metric (treatments). */
  span: number;
  verdict: Verdict;
}

const KIND_ORDER = { primary: 0, guardrail: 1 } as const;

/** The rows of the scorecard: primary metrics first, then guardrails (report order within each). */
export function scorecardRows(metrics: MetricReport[]): ScoreRow[] {
  const ordered = metrics
    .map((m, i) => ({ m, i }))
    .sort((a, b) => KIND_ORDER[a.m.kind] - KIND_ORDER[b.m.kind] || a.i - b.i)
    .map(({ m }) => m);
  const rows: ScoreRow[] = [];
  for (const metric of ordered) {
    metric.comparisons.forEach((comparison, i) => {
      rows.push({
        id: `${metric.metric}:${comparison.variant}`,
        metric,
        comparison,
        control: metric.variants.find((v) => v.variant === comparison.control) ?? null,
        treatment: metric.variants.find((v) => v.variant === comparison.variant) ?? null,
        first: i === 0,
        span: metric.comparisons.length,
        verdict: verdictOf({
          estimate: comparison.absolute.estimate,
          significant: comparison.significant,
          goodDirection: metric.direction,
        }),
      });
    });
  }
  return rows;
}

/** The lift of a row in `mode`: estimate, its interval and (absolute only) the always-valid interval. */
export function liftOf(
  c: Comparison,
  mode: DiffMode,
): { estimate: number | null; ci: Interval | null; sequentialCi: Interval | null } {
  if (mode === "relative") return { estimate: c.relative.estimate, ci: c.relative.ci, sequentialCi: null };
  return { estimate: c.absolute.estimate, ci: c.absolute.ci, sequentialCi: c.sequential?.ci ?? null };
}

/**
 * The domain of the interval bars: symmetric around zero, wide enough for every interval drawn
 * (plus 10 %), so zero sits in the middle and bars compare at a glance. [-1, 1] when there is
 * nothing to draw.
 */
export function axisDomain(rows: ScoreRow[], mode: DiffMode): [number, number] {
  let max = 0;
  for (const r of rows) {
    const { estimate, ci, sequentialCi } = liftOf(r.comparison, mode);
    for (const x of [estimate, ci?.[0], ci?.[1], sequentialCi?.[0], sequentialCi?.[1]]) {
      if (typeof x === "number" && Number.isFinite(x)) max = Math.max(max, Math.abs(x));
    }
  }
  if (max === 0) return mode === "relative" ? [-0.1, 0.1] : [-1, 1];
  return [-max * 1.1, max * 1.1];
}

/** Groups of rows that share one axis: all rows (relative lifts share a unit) or one per metric. */
export function axisGroups(rows: ScoreRow[], mode: DiffMode): Map<string, [number, number]> {
  const groups = new Map<string, [number, number]>();
  if (mode === "relative") {
    const d = axisDomain(rows, mode);
    for (const r of rows) groups.set(r.id, d);
    return groups;
  }
  const byMetric = new Map<string, ScoreRow[]>();
  for (const r of rows) byMetric.set(r.metric.metric, [...(byMetric.get(r.metric.metric) ?? []), r]);
  for (const list of byMetric.values()) {
    const d = axisDomain(list, mode);
    for (const r of list) groups.set(r.id, d);
  }
  return groups;
}

/** The counts behind a value: "100 / 1,000" (conversions / units) for rates, "n = 1,000" otherwise. */
export function formatCounts(type: MetricType, v: VariantStats | null): string {
  if (!v) return "";
  if (type === "binomial") return `${formatCount(v.conversions ?? 0)} / ${formatCount(v.units)}`;
  return `n = ${formatCount(v.units)}`;
}

/** A metric value as people read it: rates as percents, other metrics as plain numbers. */
export function formatMetricValue(type: MetricType, x: number | null | undefined): string {
  return type === "binomial" ? formatPercent(x) : formatNumber(x);
}

/** A difference: relative "+2.3%", absolute "+1.51 pp" for rates, "+0.42" otherwise. */
export function formatDiff(type: MetricType, mode: DiffMode, x: number | null | undefined): string {
  if (mode === "relative") return formatLift(x);
  return type === "binomial" ? formatPp(x) : formatSigned(x);
}

/** An interval of differences in the same units as {@link formatDiff}. */
export function formatDiffInterval(
  type: MetricType,
  mode: DiffMode,
  ci: Interval | null | undefined,
): string {
  if (mode === "relative") return formatLiftInterval(ci);
  return type === "binomial" ? formatPpInterval(ci) : formatSignedInterval(ci);
}

/** The p-value that decides (sequential when on) and its adjusted version, with what they are. */
export function decidingPValues(c: Comparison): {
  pValue: number | null;
  adjusted: number | null;
  sequential: boolean;
} {
  if (c.sequential)
    return { pValue: c.sequential.pValue, adjusted: c.sequential.adjustedPValue, sequential: true };
  return { pValue: c.pValue, adjusted: c.adjustedPValue, sequential: false };
}

const confidence = (alpha: number) => formatPercent(1 - alpha, 0);
const TEST_NAMES = { "two-proportion-z": "two-proportion z-test", "welch-t": "Welch's t-test" } as const;
const CORRECTIONS = {
  holm: "Holm's method",
  bh: "the Benjamini-Hochberg method",
  none: "no correction",
} as const;

/** What a variant's value of the metric is, in words. */
export function explainValue(metric: MetricReport, v: VariantStats | null): string {
  if (!v) return "No data for this variant.";
  const value = formatMetricValue(metric.type, v.mean);
  switch (metric.type) {
    case "binomial":
      return `${v.variant}: ${value} of its ${formatCount(v.units)} units converted (${formatCount(v.conversions ?? 0)} units did).`;
    case "count":
      return `${v.variant}: on average ${value} events per unit, over ${formatCount(v.units)} units (units without an event count 0).`;
    case "sum":
      return `${v.variant}: on average ${value} in total value per unit, over ${formatCount(v.units)} units (units without an event count 0).`;
    case "mean":
      return `${v.variant}: ${value} on average per event (sum of values ÷ ${formatCount(v.denominator ?? 0)} valued events), from ${formatCount(v.units)} units with at least one.`;
  }
}

/** What the lift and its intervals mean, in words, in both scales. */
export function explainLift(row: ScoreRow, settings: AnalysisSettings): string {
  const c = row.comparison;
  if (c.status !== "ok") return `No comparison yet: ${c.reason ?? "not enough data"}.`;
  const rel = c.relative.estimate;
  const abs = c.absolute.estimate;
  const type = row.metric.type;
  const dir = abs === null || abs === 0 ? "the same as" : abs > 0 ? "higher than" : "lower than";
  const parts = [
    `${c.variant} is ${rel === null ? "" : `${formatPercent(Math.abs(rel))} `}${dir} ${c.control} ` +
      `(relative lift = ${c.variant} ÷ ${c.control} − 1; absolute difference ${formatDiff(type, "absolute", abs)}).`,
    `${confidence(settings.alpha)} confidence interval: ${formatDiffInterval(type, "relative", c.relative.ci)} relative, ` +
      `${formatDiffInterval(type, "absolute", c.absolute.ci)} absolute — the lifts consistent with the data if you look once, at the planned end.`,
  ];
  if (c.sequential) {
    parts.push(
      `Always-valid interval: ${formatDiffInterval(type, "absolute", c.sequential.ci)} absolute — valid however often you look; it decides the verdict.`,
    );
  }
  return parts.join(" ");
}

/** What the deciding p-value means. */
export function explainPValue(row: ScoreRow): string {
  const c = row.comparison;
  const { pValue, sequential } = decidingPValues(c);
  if (pValue === null) return `No p-value yet: ${c.reason ?? "not enough data"}.`;
  const how = sequential
    ? "always-valid sequential test: valid however often you look"
    : `${TEST_NAMES[c.test]}, fixed horizon: valid if you look once, at the planned end`;
  const fixed = sequential ? ` The fixed-horizon p-value is ${formatPValue(c.pValue)}.` : "";
  return (
    `If ${c.variant} and ${c.control} truly performed the same, a difference at least this large would be this surprising: p = ${formatPValue(pValue)} (${how}). ` +
    `It is not the probability that ${c.variant} is better.${fixed}`
  );
}

/** What the adjusted p-value is and why it differs (or not). */
export function explainAdjusted(row: ScoreRow, settings: AnalysisSettings): string {
  const { adjusted } = decidingPValues(row.comparison);
  if (adjusted === null) return "No adjusted p-value yet.";
  const compared = `compared with α = ${formatNumber(settings.alpha, 3)}: below it is significant`;
  if (row.metric.kind === "guardrail")
    return `Guardrails are judged unadjusted, so a harm is not made harder to flag: p = ${formatPValue(adjusted)}, ${compared}.`;
  if (settings.correction === "none")
    return `No correction for multiple comparisons is set for this experiment: the same as the p-value, ${compared}.`;
  return `The p-value adjusted with ${CORRECTIONS[settings.correction]} across every variant × primary metric, so that testing several does not inflate false wins: p = ${formatPValue(adjusted)}, ${compared}.`;
}

/** The verdict's sentence with the test that decided it. */
export function explainVerdict(row: ScoreRow, settings: AnalysisSettings): string {
  const { adjusted, sequential } = decidingPValues(row.comparison);
  const test = sequential ? "always-valid" : "fixed-horizon";
  if (row.comparison.status !== "ok")
    return `Inconclusive: ${row.comparison.reason ?? "not enough data"} to compare.`;
  return `${row.verdict.sentence} Decided by the ${test} adjusted p-value ${formatPValue(adjusted)} against α = ${formatNumber(settings.alpha, 3)}.`;
}

/** A CSV cell: quoted when needed; text a spreadsheet would run as a formula is defused. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Header of {@link scorecardCsv}. */
export const CSV_HEADER = [
  "segment",
  "metric",
  "metric_name",
  "kind",
  "type",
  "good_direction",
  "variant",
  "control",
  "control_units",
  "control_value",
  "variant_units",
  "variant_value",
  "absolute_lift",
  "absolute_ci_low",
  "absolute_ci_high",
  "relative_lift",
  "relative_ci_low",
  "relative_ci_high",
  "sequential_ci_low",
  "sequential_ci_high",
  "p_value",
  "adjusted_p_value",
  "sequential_p_value",
  "sequential_adjusted_p_value",
  "significant",
  "verdict",
] as const;

/**
 * The scorecard as CSV: one line per (segment, metric, treatment), raw numbers (rates and lifts
 * as fractions) so spreadsheets compute with them; `segment` is "all" for the whole experiment.
 */
export function scorecardCsv(sections: { segment: string; metrics: MetricReport[] }[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const { segment, metrics } of sections) {
    for (const r of scorecardRows(metrics)) {
      const c = r.comparison;
      lines.push(
        [
          segment,
          r.metric.metric,
          r.metric.name,
          r.metric.kind,
          r.metric.type,
          r.metric.direction,
          c.variant,
          c.control,
          r.control?.units,
          r.control?.mean,
          r.treatment?.units,
          r.treatment?.mean,
          c.absolute.estimate,
          c.absolute.ci?.[0],
          c.absolute.ci?.[1],
          c.relative.estimate,
          c.relative.ci?.[0],
          c.relative.ci?.[1],
          c.sequential?.ci?.[0],
          c.sequential?.ci?.[1],
          c.pValue,
          c.adjustedPValue,
          c.sequential?.pValue,
          c.sequential?.adjustedPValue,
          c.significant,
          r.verdict.kind,
        ]
          .map(cell)
          .join(","),
      );
    }
  }
  return `${lines.join("\r\n")}\r\n`;
}
