import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import type { MetricType } from "../metrics/metrics.table.js";

/** What the SQL needs to know about one metric. */
export interface MetricSpec {
  key: string;
  eventName: string;
  type: MetricType;
  windowHours: number;
  cap: number | null;
}

/** Input of {@link refreshResultUnits}. */
export interface RefreshInput {
  experimentKey: string;
  /** Known variant keys (exposures naming others are ignored and counted). */
  variants: string[];
  metrics: MetricSpec[];
  /** Rows received in the last `lagSeconds` wait for the next refresh (in-flight ingestion). */
  lagSeconds: number;
  /** Rebuild from the raw tables even when the stored rows are current. */
  full?: boolean;
}

/** Outcome of a refresh. */
export interface RefreshOutcome {
  mode: "full" | "incremental";
  /** Every exposure/event received at or before this instant is reflected. */
  watermark: Date;
  unknownVariantExposures: number;
  /** Exposures of units whose rows were (re)built in this refresh. */
  rebuiltUnits: number;
}

/** Per (variant, multi flag, UTC day of first exposure) sufficient statistics of every metric. */
export interface VariantDayRow {
  variant: string;
  multi: boolean;
  /** Days since 1970-01-01 (UTC) of the units' first exposure. */
  day: number;
  units: number;
  /** Per metric, in input order. */
  metrics: MetricSums[];
}

/** Sufficient statistics of one metric in one group of units. */
export interface MetricSums {
  /** Units contributing (mean metrics: units with at least one valued event). */
  n: number;
  /** Σx, Σx² of the (capped) per-unit value (mean: the numerator). */
  sumX: number;
  sumXX: number;
  /** Mean metrics: Σy, Σy², Σxy of the per-unit denominator (event count). Others: 0. */
  sumY: number;
  sumYY: number;
  sumXY: number;
}

/** Per (variant, segment) sums for a breakdown; segments beyond the top 20 become "(other)". */
export interface SegmentRow extends Omit<VariantDayRow, "day" | "multi"> {
  segment: string;
}

/** The largest number of distinct dimension values reported before folding into "(other)". */
export const MAX_SEGMENTS = 20;

const list = (values: string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

const hours = (h: number): SQL => sql`make_interval(hours => ${Math.trunc(h)}::int)`;

/** `array[...]::float8[]` per-unit n/s/k aggregates of all metrics over events `e` joined to units `u`. */
function metricArrays(metrics: MetricSpec[]): SQL {
  if (metrics.length === 0) return sql`'{}'::float8[] as n, '{}'::float8[] as s, '{}'::float8[] as k`;
  const inWindow = (m: MetricSpec) =>
    sql`e.name = ${m.eventName} and e.ts < u.first_ts + ${hours(m.windowHours)}`;
  const n = metrics.map((m) => sql`count(e.ts) filter (where ${inWindow(m)})`);
  const s = metrics.map((m) => sql`coalesce(sum(e.value) filter (where ${inWindow(m)}), 0)`);
  const k = metrics.map((m) => sql`count(e.value) filter (where ${inWindow(m)})`);
  const arr = (parts: SQL[]) => sql`array[${sql.join(parts, sql`, `)}]::float8[]`;
  return sql`${arr(n)} as n, ${arr(s)} as s, ${arr(k)} as k`;
}

/** Join condition of attributed events: name of a metric, at/after first exposure, before the longest window. */
function eventJoin(metrics: MetricSpec[]): SQL {
  const maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const names = [...new Set(metrics.map((m) => m.eventName))];
  return sql`e.unit_id = u.unit_id and e.name in (${list(names)})
    and e.ts >= u.first_ts and e.ts < u.first_ts + ${hours(maxWindow)}`;
}

/**
 * (Re)builds `results_units` rows from the raw tables: first exposure per unit among known
 * variants, then the unit's attributed events of every metric in one pass. `unitFilter`
 * restricts the rebuild to some units (incremental refresh); absent, every unit is rebuilt.
 */
function rebuildUnitsSql(input: RefreshInput, watermark: Date, unitFilter: SQL | null): SQL {
  const { experimentKey, variants, metrics } = input;
  const w = watermark.toISOString();
  const filter = unitFilter ? sql`and x.unit_id in (${unitFilter})` : sql``;
  const events =
    metrics.length > 0
      ? sql`left join events e on ${eventJoin(metrics)} and e.received_at <= ${w}::timestamptz`
      : sql``;
  return sql`
    insert into results_units (experiment_key, unit_id, variant_key, multi, first_ts, first_day, attributes, n, s, k)
    select ${experimentKey}, u.unit_id, u.variant_key, u.multi, u.first_ts,
      floor(extract(epoch from u.first_ts) / 86400)::int, u.attributes, ${metricArrays(metrics)}
    from (
      select x.unit_id, min(x.ts) as first_ts, min(x.variant_key) as variant_key,
        min(x.variant_key) <> max(x.variant_key) as multi,
        (array_agg(x.attributes order by x.ts, x.id))[1] as attributes
      from exposures x
      where x.experiment_key = ${experimentKey} and x.variant_key in (${list(variants)})
        and x.received_at <= ${w}::timestamptz ${filter}
      group by x.unit_id
    ) u
    ${events}
    group by u.unit_id, u.variant_key, u.multi, u.first_ts, u.attributes`;
}

/**
 * Adds events received in (from, to] to the rows of already-known units. The fresh events are
 * read first (BRIN on `received_at`), then their units are looked up by primary key.
 */
function addEventsSql(input: RefreshInput, from: Date, to: Date): SQL {
  const { experimentKey, metrics } = input;
  const names = [...new Set(metrics.map((m) => m.eventName))];
  const maxWindow = Math.max(...metrics.map((m) => m.windowHours));
  const add = (col: string) =>
    sql.raw(
      `array[${metrics.map((_, i) => `r.${col}[${i + 1}] + d.${col}[${i + 1}]`).join(", ")}]::float8[]`,
    );
  return sql`
    with fresh as materialized (
      select unit_id, name, ts, value from events
      where received_at > ${from.toISOString()}::timestamptz and received_at <= ${to.toISOString()}::timestamptz
        and name in (${list(names)})
    ), d as (
      select u.unit_id, ${metricArrays(metrics)}
      from fresh e join results_units u on u.experiment_key = ${experimentKey} and u.unit_id = e.unit_id
      where e.ts >= u.first_ts and e.ts < u.first_ts + ${hours(maxWindow)}
      group by u.unit_id
    )
    update results_units r set n = ${add("n")}, s = ${add("s")}, k = ${add("k")}
    from d where r.experiment_key = ${experimentKey} and r.unit_id = d.unit_id`;
}

function unknownVariantsSql(input: RefreshInput, from: Date | null, to: Date): SQL {
  const since = from ? sql`and received_at > ${from.toISOString()}::timestamptz` : sql``;
  return sql`select count(*)::float8 as c from exposures
    where experiment_key = ${input.experimentKey} and variant_key not in (${list(input.variants)})
      ${since} and received_at <= ${to.toISOString()}::timestamptz`;
}

/** Identifies what the stored rows were computed for; any change triggers a full rebuild. */
export function fingerprintOf(input: Pick<RefreshInput, "variants" | "metrics">): string {
  return JSON.stringify({
    v: 1,
    variants: input.variants,
    metrics: input.metrics.map((m) => [m.eventName, Math.trunc(m.windowHours)]),
  });
}

/**
 * Brings `results_units` of one experiment up to date, under a per-experiment advisory lock:
 * a full rebuild the first time (or when metric definitions/variants changed, or on request),
 * otherwise incrementally: events received since the last watermark are added to known units,
 * then units with new exposures are rebuilt from the raw tables (their first exposure may have
 * moved). Rows received in the last `lagSeconds` are left for the next refresh, so a slow
 * ingestion transaction that commits late is never skipped.
 */
export async function refreshResultUnits(db: Db, input: RefreshInput): Promise<RefreshOutcome> {
  if (input.variants.length === 0) throw new RangeError("an experiment needs at least one variant");
  const fingerprint = fingerprintOf(input);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`results:${input.experimentKey}`}))`);
    await tx.execute(sql`set local work_mem = '256MB'`);
    const nowRows = await tx.execute<{ w: number }>(
      sql`select extract(epoch from now() - make_interval(secs => ${input.lagSeconds}::float8))::float8 as w`,
    );
    // Millisecond precision: the same Date bounds this refresh (<=) and the next one (>).
    const watermark = epochToDate(nowRows.rows[0]?.w);
    const stateRows = await tx.execute<{ fingerprint: string; watermark: number; unknown: number }>(
      sql`select fingerprint, extract(epoch from watermark)::float8 as watermark,
            unknown_variant_exposures::float8 as unknown
          from results_state where experiment_key = ${input.experimentKey}`,
    );
    const state = stateRows.rows[0];
    const previous = state ? epochToDate(state.watermark) : null;
    const incremental =
      !input.full && state !== undefined && state.fingerprint === fingerprint && previous !== null;
    let unknown: number;
    let rebuiltUnits: number;
    if (incremental && previous) {
      if (watermark > previous) {
        if (input.metrics.length > 0) await tx.execute(addEventsSql(input, previous, watermark));
        const changed = sql`select unit_id from exposures where experiment_key = ${input.experimentKey}
          and received_at > ${previous.toISOString()}::timestamptz and received_at <= ${watermark.toISOString()}::timestamptz`;
        await tx.execute(
          sql`delete from results_units where experiment_key = ${input.experimentKey} and unit_id in (${changed})`,
        );
        const inserted =
          await tx.execute(sql`with ins as (${rebuildUnitsSql(input, watermark, changed)} returning 1)
          select count(*)::float8 as c from ins`);
        rebuiltUnits = Number(inserted.rows[0]?.c ?? 0);
        const added = await tx.execute<{ c: number }>(unknownVariantsSql(input, previous, watermark));
        unknown = state.unknown + Number(added.rows[0]?.c ?? 0);
      } else {
        rebuiltUnits = 0;
        unknown = state.unknown;
      }
    } else {
      await tx.execute(sql`delete from results_units where experiment_key = ${input.experimentKey}`);
      const inserted =
        await tx.execute(sql`with ins as (${rebuildUnitsSql(input, watermark, null)} returning 1)
        select count(*)::float8 as c from ins`);
      rebuiltUnits = Number(inserted.rows[0]?.c ?? 0);
      // Fresh statistics, so incremental refreshes look units up by key instead of scanning.
      await tx.execute(sql`analyze results_units`);
      const counted = await tx.execute<{ c: number }>(unknownVariantsSql(input, null, watermark));
      unknown = Number(counted.rows[0]?.c ?? 0);
    }
    const effective = incremental && previous && watermark <= previous ? previous : watermark;
    await tx.execute(sql`
      insert into results_state (experiment_key, fingerprint, watermark, unknown_variant_exposures, refreshed_at)
      values (${input.experimentKey}, ${fingerprint}, ${effective.toISOString()}::timestamptz, ${unknown}, now())
      on conflict (experiment_key) do update set fingerprint = excluded.fingerprint,
        watermark = excluded.watermark, unknown_variant_exposures = excluded.unknown_variant_exposures,
        refreshed_at = excluded.refreshed_at`);
    return {
      mode: incremental ? "incremental" : "full",
      watermark: effective,
      unknownVariantExposures: unknown,
      rebuiltUnits,
    };
  });
}

function epochToDate(seconds: unknown): Date {
  return new Date(Math.round(Number(seconds) * 1000));
}

/** Per-metric capped value expressions and the six sums read for each. */
function metricSums(metrics: MetricSpec[]): SQL {
  if (metrics.length === 0) return sql``;
  const parts = metrics.map((m, idx) => {
    const i = idx + 1;
    const cap = m.cap;
    const capped = (expr: string) => (cap === null ? expr : `least(${expr}, ${Number(cap)}::float8)`);
    let x: string;
    let filter = "true";
    let y = "1";
    // Binomial values are 0/1 and never capped.
    switch (m.type) {
      case "binomial":
        x = `(n[${i}] > 0)::int::float8`;
        break;
      case "count":
        x = capped(`n[${i}]`);
        break;
      case "sum":
        x = capped(`s[${i}]`);
        break;
      case "mean":
        // A ratio metric: numerator Σ value (capped at cap × count, i.e. the unit's mean at cap),
        // denominator the count of valued events; units without one are not in the denominator.
        x = cap === null ? `s[${i}]` : `least(s[${i}], ${Number(cap)}::float8 * k[${i}])`;
        y = `k[${i}]`;
        filter = `k[${i}] > 0`;
        break;
    }
    const f = `filter (where ${filter})`;
    if (m.type === "binomial") return sql.raw(`coalesce(sum(${x}), 0)::float8 as m${idx}_sx`);
    if (m.type !== "mean") {
      return sql.raw(
        `coalesce(sum(${x}), 0)::float8 as m${idx}_sx, coalesce(sum((${x}) * (${x})), 0)::float8 as m${idx}_sxx`,
      );
    }
    return sql.raw(`count(*) ${f}::float8 as m${idx}_n, coalesce(sum(${x}) ${f}, 0)::float8 as m${idx}_sx,
      coalesce(sum((${x}) * (${x})) ${f}, 0)::float8 as m${idx}_sxx, coalesce(sum(${y}) ${f}, 0)::float8 as m${idx}_sy,
      coalesce(sum((${y})::float8 * (${y})) ${f}, 0)::float8 as m${idx}_syy, coalesce(sum((${x}) * (${y})) ${f}, 0)::float8 as m${idx}_sxy`);
  });
  return sql`, ${sql.join(parts, sql`, `)}`;
}

type SumsRow = Record<string, unknown>;

/**
 * Reads the sums of each metric from a row. Only what the metric needs is computed in SQL:
 * binomial Σx (= Σx², n = units); count/sum Σx, Σx² (n = units, y = 1 per unit); mean all six.
 */
function readSums(row: SumsRow, metrics: MetricSpec[]): MetricSums[] {
  const units = Number(row.units ?? 0);
  return metrics.map((m, i) => {
    const num = (k: string) => Number(row[`m${i}_${k}`] ?? 0);
    const sumX = num("sx");
    if (m.type === "mean") {
      return { n: num("n"), sumX, sumXX: num("sxx"), sumY: num("sy"), sumYY: num("syy"), sumXY: num("sxy") };
    }
    const sumXX = m.type === "binomial" ? sumX : num("sxx");
    return { n: units, sumX, sumXX, sumY: units, sumYY: units, sumXY: sumX };
  });
}

/**
 * Reads per (variant, multi, day of first exposure) sums of every metric from `results_units`:
 * one scan of the experiment's pre-aggregated rows.
 */
export async function readVariantDays(
  db: Db,
  experimentKey: string,
  metrics: MetricSpec[],
): Promise<VariantDayRow[]> {
  const result = await db.execute<SumsRow>(sql`
    select variant_key, multi, first_day as day, count(*)::float8 as units
      ${metricSums(metrics)}
    from results_units where experiment_key = ${experimentKey}
    group by variant_key, multi, first_day order by first_day, variant_key`);
  return result.rows.map((row) => ({
    variant: String(row.variant_key),
    multi: row.multi === true,
    day: Number(row.day),
    units: Number(row.units),
    metrics: readSums(row, metrics),
  }));
}

/**
 * Reads per (variant, segment) sums for a breakdown by one attribute of the first exposure.
 * The {@link MAX_SEGMENTS} most common values are kept, the rest folded into "(other)"; units
 * without the attribute form "(none)". Every exposed unit of a segment stays in its denominator.
 */
export async function readSegments(
  db: Db,
  experimentKey: string,
  metrics: MetricSpec[],
  dimension: string,
): Promise<SegmentRow[]> {
  const result = await db.execute<SumsRow>(sql`
    with base as (
      select *, coalesce(attributes ->> ${dimension}, '(none)') as value
      from results_units where experiment_key = ${experimentKey} and not multi
    ), top as (
      select value from base group by value order by count(*) desc, value limit ${MAX_SEGMENTS}
    )
    select variant_key, coalesce(top.value, '(other)') as segment, count(*)::float8 as units
      ${metricSums(metrics)}
    from base left join top on top.value = base.value
    group by variant_key, 2 order by 2, variant_key`);
  return result.rows.map((row) => ({
    variant: String(row.variant_key),
    segment: String(row.segment),
    units: Number(row.units),
    metrics: readSums(row, metrics),
  }));
}
