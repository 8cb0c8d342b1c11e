/**
 * SQL builders of the results engine (no I/O here; results.repo.ts runs them).
 *
 * Citus shape: every statement below is written so that Citus can push it down to the shards
 * when `exposures`, `events` and `results_units` are distributed (colocated) by `unit_id`:
 * - joins of the distributed tables are always on `unit_id`, and everything is grouped by
 *   `unit_id` before any cross-unit step;
 * - writes use subqueries in `FROM` (no `with ... as materialized` CTE inside a write, which
 *   Citus plans as separate steps that pull rows to the coordinator);
 * - no CTE is used twice (the breakdown's `base` is `not materialized`);
 * - rebuilt units are counted from the statement's row count, not `returning` + `count(*)`;
 * - the watermark (results.repo.ts) is taken on the node that runs the ingestion
 *   transactions: with Citus that is the coordinator, where `received_at` (`now()`) is
 *   assigned and where `pg_stat_activity` lists the open ingestion transactions.
 */
import { type SQL, sql } from "drizzle-orm";
import type { MetricType } from "../metrics/index.js";

/** What the SQL needs to know about one metric. */
export interface MetricSpec {
  key: string;
  eventName: string;
  type: MetricType;
  windowHours: number;
  cap: number | null;
  /** CUPED covariate window before first exposure, in days; 0 = no covariate. */
  cupedLookbackDays: number;
}

/**
 * Exposures count only between `lo` and `hi` (the experiment's start minus the clock skew and
 * its stop plus the clock skew); `hi` null = still running.
 */
export interface TimeBounds {
  lo: Date | null;
  hi: Date | null;
}

/**
 * Event values are clamped to ±this in results so that no sum or sum of squares can overflow
 * float8 (1.8e308): |value| ≤ 1e100 per event, 1e9 events per unit and 1e9 units give sums of
 * squares below 1e240. Ingestion bounds values much more tightly (docs/ingest.md).
 */
export const RESULTS_VALUE_BOUND = 1e100;

export const list = (values: string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

const hours = (h: number): SQL => sql`make_interval(hours => ${Math.trunc(h)}::int)`;

/**
 * An event's value `e.value` clamped to ±{@link RESULTS_VALUE_BOUND}, null staying null
 * (least/greatest skip NULLs, so only the `case` keeps it).
 */
export const boundedEventValue: SQL = sql`case when e.value is null then null else least(greatest(e.value, ${-RESULTS_VALUE_BOUND}::float8), ${RESULTS_VALUE_BOUND}::float8) end`;

/** Reads one of a unit's raw numbers of a metric: event count `n`, value sum `s`, valued events `k`. */
export type RawColumn = (column: "n" | "s" | "k") => string;

/**
 * The per-unit value `x` of a metric from the unit's raw numbers, caps applied, and for ratio
 * (mean) metrics the denominator `y` (valued events): the one definition that the report, the
 * sequential looks and CUPED share. Binomial values are 0/1 and never capped; a mean metric's
 * numerator is capped at cap × count (the unit's mean at cap).
 */
export function unitValueSql(m: MetricSpec, at: RawColumn): { x: string; y: string | null } {
  const cap = m.cap === null ? null : Number(m.cap);
  const capped = (expr: string) => (cap === null ? expr : `least(${expr}, ${cap}::float8)`);
  switch (m.type) {
    case "binomial":
      return { x: `(${at("n")} > 0)::int::float8`, y: null };
    case "count":
      return { x: capped(at("n")), y: null };
    case "sum":
      return { x: capped(at("s")), y: null };
    default:
      // "mean"
      return {
        x: cap === null ? at("s") : `least(${at("s")}, ${cap}::float8 * ${at("k")})`,
        y: at("k"),
      };
  }
}

/** `array[...]::float8[]` per-unit n/s/k aggregates of all metrics over events `e` joined to units `u`. */
export function metricArrays(metrics: MetricSpec[]): SQL {
  if (metrics.length === 0) return sql`'{}'::float8[] as n, '{}'::float8[] as s, '{}'::float8[] as k`;
  const inWindow = (m: MetricSpec) =>
    sql`e.name = ${m.eventName} and e.ts < u.first_ts + ${hours(m.windowHours)}`;
  const n = metrics.map((m) => sql`count(e.ts) filter (where ${inWindow(m)})`);
  const s = metrics.map((m) => sql`coalesce(sum(${boundedEventValue}) filter (where ${inWindow(m)}), 0)`);
  const k = metrics.map((m) => sql`count(e.value) filter (where ${inWindow(m)})`);
  const arr = (parts: SQL[]) => sql`array[${sql.join(parts, sql`, `)}]::float8[]`;
  return sql`${arr(n)} as n, ${arr(s)} as s, ${arr(k)} as k`;
}

/**
 * Join condition of attributed events: same unit and environment, name of a metric, at/after
 * first exposure, before the longest window.
 */
function eventJoin(metrics: MetricSpec[]): SQL {
  const maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const names = [...new Set(metrics.map((m) => m.eventName))];
  return sql`e.unit_id = u.unit_id and e.environment = u.environment and e.name in (${list(names)})
    and e.ts >= u.first_ts and e.ts < u.first_ts + ${hours(maxWindow)}`;
}

const ts = (d: Date | null, fallback: "-infinity" | "infinity"): SQL =>
  d ? sql`${d.toISOString()}::timestamptz` : sql.raw(`'${fallback}'::timestamptz`);

/** Inputs of {@link rebuildUnitsSql}. */
export interface RebuildInput {
  experimentKey: string;
  variants: string[];
  metrics: MetricSpec[];
  bounds: TimeBounds;
}

/**
 * (Re)builds `results_units` rows from the raw tables: per unit and environment (each
 * environment's exposures and events are aggregated apart), its first exposure among known
 * variants inside the time bounds, then the unit's attributed events of every metric in one
 * pass. A unit with no exposure inside the bounds keeps a row built from all its exposures, so
 * its `first_ts` lies outside the bounds: readers leave it out and count it (before start /
 * after stop). `units` restricts the rebuild to these unit ids, in every environment (incremental
 * refresh); null rebuilds every unit. Rows received after `watermark` are left for the next refresh.
 *
 * The ids come as an array parameter, not a subquery: for an experiment newer than the table
 * statistics the planner estimated such a subquery at one row and rescanned all of the
 * experiment's exposures for each unit (80 s for 12,800 units); `= any(array)` is planned with
 * its real length and probes the (experiment_key, unit_id) index.
 */
export function rebuildUnitsSql(input: RebuildInput, watermark: Date, units: string[] | null): SQL {
  const { experimentKey, variants, metrics, bounds } = input;
  const w = watermark.toISOString();
  const filter = units ? sql`and x.unit_id = any(${sql.param(units)}::text[])` : sql``;
  const events =
    metrics.length > 0
      ? sql`left join events e on ${eventJoin(metrics)} and e.received_at <= ${w}::timestamptz`
      : sql``;
  const inb = sql`(x.ts >= ${ts(bounds.lo, "-infinity")} and x.ts <= ${ts(bounds.hi, "infinity")})`;
  return sql`
    insert into results_units (experiment_key, unit_id, environment, variant_key, multi, first_ts, first_day, attributes, n, s, k)
    select ${experimentKey}, u.unit_id, u.environment, u.variant_key, u.multi, u.first_ts,
      floor(extract(epoch from u.first_ts) / 86400)::int, u.attributes, ${metricArrays(metrics)}
    from (
      select x.unit_id, x.environment,
        coalesce(min(x.ts) filter (where ${inb}), min(x.ts)) as first_ts,
        coalesce(min(x.variant_key) filter (where ${inb}), min(x.variant_key)) as variant_key,
        case when bool_or(${inb})
          then min(x.variant_key) filter (where ${inb}) <> max(x.variant_key) filter (where ${inb})
          else min(x.variant_key) <> max(x.variant_key) end as multi,
        (array_agg(x.attributes order by (not ${inb}), x.ts, x.id))[1] as attributes
      from exposures x
      where x.experiment_key = ${experimentKey} and x.variant_key in (${list(variants)})
        and x.received_at <= ${w}::timestamptz ${filter}
      group by x.unit_id, x.environment
    ) u
    ${events}
    group by u.unit_id, u.environment, u.variant_key, u.multi, u.first_ts, u.attributes`;
}

/**
 * Adds events received in (from, to] to the rows of already-known units of the same
 * environment: the fresh events (BRIN on `received_at`) joined to their units by primary key, aggregated per unit in a
 * subquery in `FROM` (one task per shard on Citus).
 */
export function addEventsSql(experimentKey: string, metrics: MetricSpec[], from: Date, to: Date): SQL {
  const names = [...new Set(metrics.map((m) => m.eventName))];
  const maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const add = (col: string) =>
    sql.raw(
      `array[${metrics.map((_, i) => `r.${col}[${i + 1}] + d.${col}[${i + 1}]`).join(", ")}]::float8[]`,
    );
  return sql`
    update results_units r set n = ${add("n")}, s = ${add("s")}, k = ${add("k")}
    from (
      select u.unit_id, u.environment, ${metricArrays(metrics)}
      from events e join results_units u on u.experiment_key = ${experimentKey} and u.unit_id = e.unit_id
        and u.environment = e.environment
      where e.received_at > ${from.toISOString()}::timestamptz and e.received_at <= ${to.toISOString()}::timestamptz
        and e.name in (${list(names)})
        and e.ts >= u.first_ts and e.ts < u.first_ts + ${hours(maxWindow)}
      group by u.unit_id, u.environment
    ) d
    where r.experiment_key = ${experimentKey} and r.unit_id = d.unit_id and r.environment = d.environment`;
}

/** One aggregate the report reads per metric: its column name (`m{i}_sx`, ...) and SQL. */
export interface SumColumn {
  name: string;
  expr: string;
}

/**
 * Per-metric capped value expressions over `results_units` rows and the sums read for each:
 * binomial Σx; count and sum Σx, Σx²; mean n, Σx, Σx², Σy, Σy², Σxy (results.repo.ts readSums).
 */
export function metricSumList(metrics: MetricSpec[]): SumColumn[] {
  return metrics.flatMap((m, idx) => {
    const { x, y } = unitValueSql(m, (c) => `${c}[${idx + 1}]`);
    const col = (suffix: string, expr: string): SumColumn => ({ name: `m${idx}_${suffix}`, expr });
    if (m.type === "binomial") return [col("sx", `coalesce(sum(${x}), 0)::float8`)];
    if (y === null) {
      return [
        col("sx", `coalesce(sum(${x}), 0)::float8`),
        col("sxx", `coalesce(sum((${x}) * (${x})), 0)::float8`),
      ];
    }
    // Ratio metrics: units without a valued event are not in the denominator.
    const f = `filter (where ${y} > 0)`;
    return [
      col("n", `count(*) ${f}::float8`),
      col("sx", `coalesce(sum(${x}) ${f}, 0)::float8`),
      col("sxx", `coalesce(sum((${x}) * (${x})) ${f}, 0)::float8`),
      col("sy", `coalesce(sum(${y}) ${f}, 0)::float8`),
      col("syy", `coalesce(sum((${y})::float8 * (${y})) ${f}, 0)::float8`),
      col("sxy", `coalesce(sum((${x}) * (${y})) ${f}, 0)::float8`),
    ];
  });
}

/** The sums of {@link metricSumList} as select-list columns (`, expr as m0_sx, ...`). */
export function metricSums(metrics: MetricSpec[]): SQL {
  const columns = metricSumList(metrics);
  if (columns.length === 0) return sql``;
  return sql.raw(`, ${columns.map((c) => `${c.expr} as ${c.name}`).join(", ")}`);
}

/**
 * Adds `sign` (1 or -1) times the sums of these units' `results_units` rows (all of the
 * experiment's units when `units` is null) to `results_sums`, grouped as the report reads
 * them. The refresh calls it with -1 before it changes units' rows and with +1 after.
 */
export function addSumsSql(
  experimentKey: string,
  metrics: MetricSpec[],
  bounds: TimeBounds,
  sign: 1 | -1,
  units: string[] | null,
): SQL {
  const columns = metricSumList(metrics);
  const sums =
    columns.length === 0
      ? sql`'{}'::float8[]`
      : sql.raw(`array[${columns.map((c) => `${sign}::float8 * ${c.expr}`).join(", ")}]::float8[]`);
  const filter = units ? sql`and unit_id = any(${sql.param(units)}::text[])` : sql``;
  return sql`
    insert into results_sums (experiment_key, environment, variant_key, multi, first_day, excl, units, sums)
    select ${experimentKey}, environment, variant_key, multi, first_day, ${exclusionClass(bounds)},
      ${sign}::float8 * count(*), ${sums}
    from results_units where experiment_key = ${experimentKey} ${filter}
    group by environment, variant_key, multi, first_day, 6
    on conflict (experiment_key, environment, variant_key, multi, first_day, excl) do update set
      units = results_sums.units + excluded.units,
      sums = array(select a + b from unnest(results_sums.sums, excluded.sums) with ordinality as t(a, b, i) order by i)`;
}

/** 0: counted; 1: first exposure before the start (minus skew); 2: after the stop (plus skew). */
export function exclusionClass(bounds: TimeBounds): SQL {
  return sql`case when first_ts < ${ts(bounds.lo, "-infinity")} then 1
    when first_ts > ${ts(bounds.hi, "infinity")} then 2 else 0 end`;
}

/** Rows of counted units only (first exposure inside the bounds). */
export function insideBounds(bounds: TimeBounds): SQL {
  return sql`first_ts >= ${ts(bounds.lo, "-infinity")} and first_ts <= ${ts(bounds.hi, "infinity")}`;
}

/**
 * The watermark: every `exposures`/`events` row with `received_at` at or before it is committed.
 * `received_at` defaults to `now()`, the start of the inserting transaction, so an uncommitted
 * row has `received_at ≥` the start of the oldest open transaction. The watermark is the earlier
 * of this transaction's start and the oldest other open client transaction's start (refresh
 * transactions, marked by `application_name`, never insert and are ignored), minus 1 ms and
 * floored to the millisecond (the precision at which it is stored and compared again).
 */
export function watermarkSql(refreshAppName: string): SQL {
  return sql`select floor(extract(epoch from least(now(), coalesce((
      select min(xact_start) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null
        and backend_type = 'client backend' and application_name <> ${refreshAppName}), now())))
      * 1000 - 1)::float8 as w`;
}
