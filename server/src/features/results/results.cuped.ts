/**
 * CUPED covariates (Deng et al. 2013): per metric, the covariate of a unit is the same metric
 * (same event, same cap) over the lookback window before its first exposure,
 * [first exposure − lookback, first exposure). Per variant the sums n, Σx, Σx², Σc, Σc², Σxc.
 *
 * Citus shape: the pre-period events are aggregated per `unit_id` in a subquery in `FROM` joined
 * to `results_units` on `unit_id`. It scans raw events like a full rebuild, so the refresh worker
 * computes it with the looks (results.looks.ts), never a request. Ratio (`mean`) metrics have no
 * covariate here.
 */

import {
  type CupedResult,
  type CupedSummary,
  cuped as cupedAdjust,
  type Interval,
  welchTTest,
} from "@splitlab/stats";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import {
  boundedEventValue,
  insideBounds,
  list,
  type MetricSpec,
  type TimeBounds,
  unitValueSql,
} from "./results.sql.js";

/** Sums of one metric and its covariate in one variant. */
export interface CupedSums {
  variant: string;
  n: number;
  sumX: number;
  sumXX: number;
  sumC: number;
  sumCC: number;
  sumXC: number;
}

/** Per metric key (non-mean metrics), the per-variant sums. */
export type CupedTable = Record<string, CupedSums[]>;

/** The per-unit value of metric `i` from n/s/k columns named `${p}n[i]`, etc.; null for mean metrics. */
function unitValue(m: MetricSpec, i: number, p: string): string | null {
  return m.type === "mean" ? null : unitValueSql(m, (c) => `coalesce(${p}${c}[${i}], 0)`).x;
}

function cupedSql(
  experimentKey: string,
  environment: string,
  metrics: MetricSpec[],
  bounds: TimeBounds,
  watermark: Date,
): SQL {
  const names = [...new Set(metrics.map((m) => m.eventName))];
  const days = (m: MetricSpec) => sql`make_interval(days => ${Math.trunc(m.cupedLookbackDays)}::int)`;
  // Each metric's pre-period is its own lookback; the join reads the longest of them.
  const lookback = days(metrics.reduce((a, b) => (b.cupedLookbackDays > a.cupedLookbackDays ? b : a)));
  const inPre = (m: MetricSpec) => sql`e.name = ${m.eventName} and e.ts >= b.first_ts - ${days(m)}`;
  const value = boundedEventValue;
  const arr = (parts: SQL[]) => sql`array[${sql.join(parts, sql`, `)}]::float8[]`;
  const pn = arr(metrics.map((m) => sql`count(e.ts) filter (where ${inPre(m)})`));
  const ps = arr(metrics.map((m) => sql`coalesce(sum(${value}) filter (where ${inPre(m)}), 0)`));
  const sums = metrics
    .map((m, idx) => {
      const x = unitValue(m, idx + 1, "u.");
      const c = unitValue(m, idx + 1, "p.p");
      if (!x || !c) return null;
      return `sum(${x})::float8 as m${idx}_sx, sum((${x}) * (${x}))::float8 as m${idx}_sxx,
        sum(${c})::float8 as m${idx}_sc, sum((${c}) * (${c}))::float8 as m${idx}_scc,
        sum((${x}) * (${c}))::float8 as m${idx}_sxc`;
    })
    .filter((x): x is string => x !== null);
  return sql`
    select u.variant_key, count(*)::float8 as units${sql.raw(sums.length > 0 ? `, ${sums.join(", ")}` : "")}
    from results_units u
    left join (
      select b.unit_id, ${pn} as pn, ${ps} as ps
      from results_units b
      join events e on e.unit_id = b.unit_id and e.environment = b.environment and e.name in (${list(names)})
        and e.ts < b.first_ts and e.ts >= b.first_ts - ${lookback}
        and e.received_at <= ${watermark.toISOString()}::timestamptz
      where b.experiment_key = ${experimentKey} and b.environment = ${environment} and not b.multi
        and ${insideBounds(bounds)}
      group by b.unit_id
    ) p on p.unit_id = u.unit_id
    where u.experiment_key = ${experimentKey} and u.environment = ${environment} and not u.multi
      and ${insideBounds(bounds)}
    group by u.variant_key`;
}

/**
 * Reads the CUPED sums of every non-mean metric with a lookback (`cupedLookbackDays` > 0; see
 * the file comment), each over its own lookback window.
 */
export async function readCupedSums(
  db: Db,
  input: {
    experimentKey: string;
    /** The environment whose units and events are read. */
    environment: string;
    metrics: MetricSpec[];
    bounds: TimeBounds;
    watermark: Date;
  },
): Promise<CupedTable> {
  const metrics = input.metrics.filter((m) => m.type !== "mean" && m.cupedLookbackDays > 0);
  if (metrics.length === 0) return {};
  const result = await db.execute<Record<string, unknown>>(
    cupedSql(input.experimentKey, input.environment, metrics, input.bounds, input.watermark),
  );
  const table: CupedTable = {};
  metrics.forEach((m, i) => {
    table[m.key] = result.rows.map((row) => {
      const num = (k: string) => Number(row[`m${i}_${k}`] ?? 0);
      return {
        variant: String(row.variant_key),
        n: Number(row.units),
        sumX: num("sx"),
        sumXX: num("sxx"),
        sumC: num("sc"),
        sumCC: num("scc"),
        sumXC: num("sxc"),
      };
    });
  });
  return table;
}

/** One treatment against the control on one metric, unadjusted and CUPED-adjusted (Welch t). */
export interface CupedComparison {
  variant: string;
  status: "ok" | "insufficient-data";
  reason?: string;
  /** θ of the pooled within-arm regression of the metric on its covariate. */
  theta: number | null;
  /** 1 − adjusted / unadjusted variance of the difference in means. */
  varianceReduction: number | null;
  unadjusted: { estimate: number | null; ci: Interval | null; pValue: number | null };
  adjusted: { estimate: number | null; ci: Interval | null; pValue: number | null };
}

function summary(s: CupedSums): CupedSummary {
  const n = s.n;
  const mx = n > 0 ? s.sumX / n : 0;
  const mc = n > 0 ? s.sumC / n : 0;
  const d = Math.max(1, n - 1);
  return {
    n,
    mean: mx,
    variance: Math.max(0, (s.sumXX - n * mx * mx) / d),
    covariateMean: mc,
    covariateVariance: Math.max(0, (s.sumCC - n * mc * mc) / d),
    covariance: (s.sumXC - n * mx * mc) / d,
  };
}

/**
 * CUPED comparisons of one metric: each treatment vs the control (first variant), Welch's t-test
 * on the unadjusted and on the adjusted summaries at `alpha` (fixed horizon, unadjusted for
 * multiplicity; informative, the decision does not use it).
 */
export function compareCuped(rows: CupedSums[], variants: string[], alpha: number): CupedComparison[] {
  const byVariant = new Map(rows.map((r) => [r.variant, r]));
  const empty = (v: string): CupedSums => ({
    variant: v,
    n: 0,
    sumX: 0,
    sumXX: 0,
    sumC: 0,
    sumCC: 0,
    sumXC: 0,
  });
  const [controlKey, ...treatments] = variants;
  if (controlKey === undefined) return [];
  const control = summary(byVariant.get(controlKey) ?? empty(controlKey));
  return treatments.map((variant) => {
    const treatment = summary(byVariant.get(variant) ?? empty(variant));
    const none = { estimate: null, ci: null, pValue: null };
    const out: CupedComparison = {
      variant,
      status: "insufficient-data",
      theta: null,
      varianceReduction: null,
      unadjusted: none,
      adjusted: none,
    };
    if (control.n < 2 || treatment.n < 2) return { ...out, reason: "each variant needs at least 2 units" };
    const raw = welchTTest(control, treatment, { alpha });
    if (raw.status === "ok") out.unadjusted = { estimate: raw.estimate, ci: raw.ci, pValue: raw.pValue };
    const adj: CupedResult = cupedAdjust(control, treatment);
    if (adj.status !== "ok") return { ...out, reason: adj.reason };
    const test = welchTTest(adj.control, adj.treatment, { alpha });
    if (test.status !== "ok") return { ...out, reason: test.reason };
    return {
      ...out,
      status: "ok",
      theta: adj.theta,
      varianceReduction: adj.varianceReduction,
      adjusted: { estimate: test.estimate, ci: test.ci, pValue: test.pValue },
    };
  });
}
