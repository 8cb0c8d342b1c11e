/**
 * The sequential chart's looks: point d is what the report would have said at the end of UTC day
 * d, counting units first exposed before then and their events timestamped before then.
 *
 * One statement, shaped for Citus like results.sql.ts (events joined to `results_units` on
 * `unit_id`, the window function partitioned by `unit_id`): per unit and event day, the metric's
 * raw n/s/k increments; their running sums give the unit's value at each of its event days; the
 * change of x, x², y, y², xy between consecutive event days of a unit telescopes, so the sums at
 * look d are the sums of these changes over event days ≤ d (and units over first-exposure days ≤ d).
 * It joins the raw events like a full rebuild, so the worker runs it now and then, never a request.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type CupedTable, readCupedSums } from "./results.cuped.js";
import {
  type MetricSums,
  REFRESH_APP_NAME,
  readRefreshState,
  readVariantDays,
  type VariantDayRow,
} from "./results.repo.js";
import {
  boundedEventValue,
  insideBounds,
  list,
  type MetricSpec,
  type TimeBounds,
  unitValueSql,
} from "./results.sql.js";

/** Per (variant, UTC day) changes of the sums of every metric. */
export interface LookIncrement {
  variant: string;
  /** Days since 1970-01-01 (UTC) of the events. */
  day: number;
  /** Per metric, in input order: changes of the sums (n: units entering the denominator; mean metrics). */
  metrics: MetricSums[];
}

/** What the worker computed for the looks of one experiment in one environment (one consistent snapshot). */
export interface Looks {
  environment: string;
  /** Watermark of the rows the looks were computed from. */
  watermark: Date;
  computedAt: Date;
  /** Counted units per (variant, multi, first-exposure day); metric sums unused. */
  units: VariantDayRow[];
  increments: LookIncrement[];
  /** CUPED sums (results.cuped.ts) from the same snapshot. */
  cuped: CupedTable;
}

function deltaColumns(metrics: MetricSpec[]): string {
  return metrics
    .map((m, idx) => {
      const c = (v: string) => `c${v}${idx}`;
      const p = (v: string) => `(c${v}${idx} - d${v}${idx})`;
      const x = (at: (v: string) => string) => unitValueSql(m, at).x;
      const xc = x(c);
      const xp = x(p);
      const parts = [
        `coalesce(sum(${xc} - ${xp}), 0)::float8 as m${idx}_sx`,
        `coalesce(sum(${xc} * ${xc} - ${xp} * ${xp}), 0)::float8 as m${idx}_sxx`,
      ];
      if (m.type === "mean") {
        parts.push(
          `coalesce(sum((${c("k")} > 0)::int - (${p("k")} > 0)::int), 0)::float8 as m${idx}_n`,
          `coalesce(sum(${c("k")} - ${p("k")}), 0)::float8 as m${idx}_sy`,
          `coalesce(sum(${c("k")} * ${c("k")} - ${p("k")} * ${p("k")}), 0)::float8 as m${idx}_syy`,
          `coalesce(sum(${xc} * ${c("k")} - ${xp} * ${p("k")}), 0)::float8 as m${idx}_sxy`,
        );
      }
      return parts.join(", ");
    })
    .join(", ");
}

function lookSql(
  experimentKey: string,
  environment: string,
  metrics: MetricSpec[],
  bounds: TimeBounds,
  watermark: Date,
): SQL {
  const names = [...new Set(metrics.map((m) => m.eventName))];
  const maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const inWindow = (m: MetricSpec) =>
    sql`e.name = ${m.eventName} and e.ts < u.first_ts + make_interval(hours => ${Math.trunc(m.windowHours)}::int)`;
  const value = boundedEventValue;
  const daily = metrics.map(
    (m, i) => sql`count(e.ts) filter (where ${inWindow(m)})::float8 as dn${sql.raw(String(i))},
      coalesce(sum(${value}) filter (where ${inWindow(m)}), 0)::float8 as ds${sql.raw(String(i))},
      count(e.value) filter (where ${inWindow(m)})::float8 as dk${sql.raw(String(i))}`,
  );
  const running = metrics.map((_, i) =>
    sql.raw(`d.dn${i}, d.ds${i}, d.dk${i}, sum(d.dn${i}) over w as cn${i}, sum(d.ds${i}) over w as cs${i},
      sum(d.dk${i}) over w as ck${i}`),
  );
  return sql`
    select variant_key, eday as day, ${sql.raw(deltaColumns(metrics))}
    from (
      select d.variant_key, d.eday, ${sql.join(running, sql`, `)}
      from (
        select u.unit_id, u.variant_key, floor(extract(epoch from e.ts) / 86400)::int as eday,
          ${sql.join(daily, sql`, `)}
        from results_units u
        join events e on e.unit_id = u.unit_id and e.environment = u.environment and e.name in (${list(names)})
          and e.ts >= u.first_ts and e.ts < u.first_ts + make_interval(hours => ${Math.trunc(maxWindow)}::int)
          and e.received_at <= ${watermark.toISOString()}::timestamptz
        where u.experiment_key = ${experimentKey} and u.environment = ${environment} and not u.multi
          and ${insideBounds(bounds)}
        group by u.unit_id, u.variant_key, eday
      ) d
      window w as (partition by d.unit_id order by d.eday)
    ) c
    group by variant_key, eday order by eday, variant_key`;
}

/**
 * Computes the per-day changes of every metric's sums from the raw events of the experiment's
 * counted units, up to `watermark` (the rows' watermark, so the looks agree with the report).
 */
export async function readLookIncrements(
  db: Db,
  input: {
    experimentKey: string;
    environment: string;
    metrics: MetricSpec[];
    bounds: TimeBounds;
    watermark: Date;
  },
): Promise<LookIncrement[]> {
  if (input.metrics.length === 0) return [];
  const result = await db.execute<Record<string, unknown>>(
    lookSql(input.experimentKey, input.environment, input.metrics, input.bounds, input.watermark),
  );
  return result.rows.map((row) => ({
    variant: String(row.variant_key),
    day: Number(row.day),
    metrics: input.metrics.map((m, i) => {
      const num = (k: string) => Number(row[`m${i}_${k}`] ?? 0);
      const sumX = num("sx");
      const sumXX = num("sxx");
      if (m.type === "mean") {
        return { n: num("n"), sumX, sumXX, sumY: num("sy"), sumYY: num("syy"), sumXY: num("sxy") };
      }
      // Non-mean metrics: n and y come from the units (added when the look is assembled).
      return { n: 0, sumX, sumXX, sumY: 0, sumYY: 0, sumXY: sumX };
    }),
  }));
}

/**
 * Computes the looks of one experiment in one environment in one repeatable-read snapshot: the stored rows' state,
 * their counted units per first-exposure day and the per-day increments up to their watermark.
 * Undefined before the experiment's first refresh.
 */
export async function computeLooks(
  db: Db,
  input: { experimentKey: string; environment: string; metrics: MetricSpec[]; bounds: TimeBounds },
): Promise<Looks | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read`);
    // Read-only and long: marked like refreshes so that the watermark does not wait for it.
    await tx.execute(sql`select set_config('application_name', ${REFRESH_APP_NAME}, true)`);
    const state = await readRefreshState(tx, input.experimentKey);
    if (!state) return undefined;
    const { rows } = await readVariantDays(tx, input.experimentKey, input.environment, [], input.bounds);
    const increments = await readLookIncrements(tx, { ...input, watermark: state.watermark });
    const cuped = await readCupedSums(tx, { ...input, watermark: state.watermark });
    return {
      environment: input.environment,
      watermark: state.watermark,
      computedAt: new Date(),
      units: rows,
      increments,
      cuped,
    };
  });
}
