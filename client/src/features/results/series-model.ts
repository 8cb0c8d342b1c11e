/**
 * The report's daily series as chart data: units per day (or cumulative) per variant, and per
 * metric and treatment the cumulative lift with its interval (always-valid when sequential is on,
 * else the fixed-horizon one) and where that interval excludes zero. No React here (unit-tested).
 * Each series point is whatever the report gives for that day; nothing is recomputed here.
 */
import type { Interval, MetricReport, SeriesPoint } from "../../api/types.js";
import type { VerdictKind } from "../../ui/verdict.js";

const DAY_MS = 86_400_000;

/** Day number since the start (day 1 = the start's UTC day) of a series date. */
export function dayNumber(date: string, startedAt: string | null, firstDate: string): number {
  const start = startedAt ? startedAt.slice(0, 10) : firstDate;
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS) + 1;
}

/** Units per variant per day. */
export interface UnitsSeries {
  variants: string[];
  points: { day: number; date: string; values: number[] }[];
}

/**
 * Units per day per variant: the series is cumulative, so each day's new units are the
 * difference from the previous point (the first point is its own total); `cumulative` keeps the
 * running totals.
 */
export function unitsSeries(
  series: SeriesPoint[],
  startedAt: string | null,
  cumulative: boolean,
): UnitsSeries {
  const variants = series[0]?.units.map((u) => u.variant) ?? [];
  const first = series[0]?.date ?? "";
  let previous = variants.map(() => 0);
  const points = series.map((p) => {
    const totals = variants.map((v) => p.units.find((u) => u.variant === v)?.units ?? 0);
    const values = cumulative ? totals : totals.map((t, i) => Math.max(0, t - (previous[i] ?? 0)));
    previous = totals;
    return { day: dayNumber(p.date, startedAt, first), date: p.date, values };
  });
  return { variants, points };
}

/** One day of a lift chart. */
export interface LiftPoint {
  day: number;
  date: string;
  estimate: number | null;
  /** The band: the always-valid interval when sequential is on, else the fixed-horizon one. */
  band: Interval | null;
  /** The band excludes zero: better / worse by the metric's direction; else inconclusive. */
  state: VerdictKind;
}

/** The cumulative lift of one treatment on one metric. */
export interface LiftSeries {
  metric: string;
  variant: string;
  control: string;
  /** Whether the band is the always-valid (sequential) interval. */
  alwaysValid: boolean;
  points: LiftPoint[];
  /** First day from which the band excludes zero for good (null when it does not at the end). */
  significantFrom: number | null;
}

function stateOf(band: Interval | null, direction: "increase" | "decrease"): VerdictKind {
  if (!band) return "inconclusive";
  const up = band[0] > 0;
  const down = band[1] < 0;
  if (!up && !down) return "inconclusive";
  return up === (direction === "increase") ? "better" : "worse";
}

/** The lift series of every treatment on `metric`. */
export function liftSeries(
  series: SeriesPoint[],
  metric: MetricReport,
  startedAt: string | null,
): LiftSeries[] {
  const first = series[0]?.date ?? "";
  const treatments = metric.comparisons.map((c) => ({ variant: c.variant, control: c.control }));
  const alwaysValid = metric.comparisons.some((c) => c.sequential !== undefined);
  return treatments.map(({ variant, control }) => {
    const points: LiftPoint[] = series.map((p) => {
      const m = p.metrics.find((x) => x.metric === metric.metric);
      const c = m?.comparisons.find((x) => x.variant === variant);
      const band = (alwaysValid ? c?.sequential?.ci : c?.ci) ?? null;
      return {
        day: dayNumber(p.date, startedAt, first),
        date: p.date,
        estimate: c?.estimate ?? null,
        band,
        state: stateOf(band, metric.direction),
      };
    });
    let significantFrom: number | null = null;
    for (let i = points.length - 1; i >= 0; i--) {
      const s = points[i]!.state;
      if (s === "inconclusive" || (i < points.length - 1 && s !== points[i + 1]!.state)) break;
      significantFrom = points[i]!.day;
    }
    return { metric: metric.metric, variant, control, alwaysValid, points, significantFrom };
  });
}
