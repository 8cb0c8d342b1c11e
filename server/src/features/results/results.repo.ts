import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import { lockUnitDataShared } from "./results.locks.js";
import {
  addEventsSql,
  addSumsSql,
  exclusionClass,
  insideBounds,
  list,
  type MetricSpec,
  metricSumList,
  metricSums,
  rebuildUnitsSql,
  type TimeBounds,
  watermarkSql,
} from "./results.sql.js";

export type { MetricSpec, TimeBounds } from "./results.sql.js";

/** `application_name` of refresh transactions (the watermark ignores them: they never insert rows). */
export const REFRESH_APP_NAME = "splitlab-results-refresh";

/** Input of {@link refreshResultUnits}. */
export interface RefreshInput {
  experimentKey: string;
  /** Known variant keys (exposures naming others are ignored). */
  variants: string[];
  metrics: MetricSpec[];
  /** Exposures outside these bounds are not counted (see {@link TimeBounds}). */
  bounds: TimeBounds;
  /** Rebuild from the raw tables even when the stored rows are current. */
  full?: boolean;
  /**
   * Bounded work: an incremental refresh moves the watermark by at most this many ms of
   * received rows (a backlog is caught up over several refreshes). Default: unbounded.
   */
  maxAdvanceMs?: number;
}

/** Outcome of a refresh. */
export interface RefreshOutcome {
  mode: "full" | "incremental";
  /** Every exposure/event received at or before this instant is reflected. */
  watermark: Date;
  /** Units whose rows were (re)built from the raw tables in this refresh. */
  rebuiltUnits: number;
  /** Whether the watermark was held back by `maxAdvanceMs` (more to catch up). */
  behind: boolean;
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

/** Identifies what the stored rows were computed for; any change triggers a full rebuild. */
export function fingerprintOf(input: Pick<RefreshInput, "variants" | "metrics" | "bounds">): string {
  return JSON.stringify({
    v: 2,
    variants: input.variants,
    metrics: input.metrics.map((m) => [m.eventName, Math.trunc(m.windowHours)]),
    bounds: [input.bounds.lo?.toISOString() ?? null, input.bounds.hi?.toISOString() ?? null],
  });
}

/**
 * Identifies what `results_sums` were computed for: the rows' fingerprint plus each metric's
 * type and cap (caps are applied when summing, so a cap change needs new sums, not new rows).
 */
export function sumsFingerprintOf(input: Pick<RefreshInput, "variants" | "metrics" | "bounds">): string {
  return JSON.stringify({ rows: fingerprintOf(input), metrics: input.metrics.map((m) => [m.type, m.cap]) });
}

/**
 * An incremental refresh that touches more units than this recomputes the experiment's sums
 * from all of its rows (one scan) instead of subtracting and adding the touched units' sums
 * (two index probes per unit).
 */
export const MAX_DELTA_UNITS = 50_000;

/** The refresh bookkeeping of one experiment, as stored. */
export interface RefreshState {
  fingerprint: string;
  /** What `results_sums` hold (null: they must be recomputed, see {@link sumsFingerprintOf}). */
  sumsFingerprint: string | null;
  watermark: Date;
  refreshedAt: Date;
}

/** Reads the stored refresh state of one experiment (undefined before its first refresh). */
export async function readRefreshState(db: Db, experimentKey: string): Promise<RefreshState | undefined> {
  const rows = await db.execute<{
    fingerprint: string;
    sums: string | null;
    watermark: number;
    refreshed: number;
  }>(
    sql`select fingerprint, sums_fingerprint as sums, extract(epoch from watermark)::float8 as watermark,
          extract(epoch from refreshed_at)::float8 as refreshed
        from results_state where experiment_key = ${experimentKey}`,
  );
  const row = rows.rows[0];
  if (!row) return undefined;
  return {
    fingerprint: row.fingerprint,
    sumsFingerprint: row.sums,
    watermark: epochToDate(row.watermark),
    refreshedAt: epochToDate(row.refreshed),
  };
}

/**
 * Brings `results_units` of one experiment up to date. Returns null at once when another
 * refresher (in this or another server process) holds the experiment's advisory lock.
 *
 * A full rebuild the first time (or when variants, metric definitions or time bounds changed,
 * or on request), otherwise incrementally: events received since the last watermark are added
 * to known units, then units with new exposures are rebuilt from the raw tables (their first
 * exposure may have moved). The new watermark never passes the start of an open ingestion
 * transaction ({@link watermarkSql}), so a row that commits late is never skipped. The report's
 * sums (`results_sums`) change in the same transaction: the touched units' old sums are
 * subtracted before their rows change and their new sums added after, or all of them are
 * recomputed (see {@link MAX_DELTA_UNITS}, {@link sumsFingerprintOf}). Runs under a
 * shared lock that erasure and retention take exclusively (results.locks.ts).
 */
export async function refreshResultUnits(db: Db, input: RefreshInput): Promise<RefreshOutcome | null> {
  if (input.variants.length === 0) throw new RangeError("an experiment needs at least one variant");
  const fingerprint = fingerprintOf(input);
  return db.transaction(async (tx) => {
    const locked = await tx.execute<{ ok: boolean }>(
      sql`select pg_try_advisory_xact_lock(hashtext(${`results:${input.experimentKey}`})) as ok`,
    );
    if (locked.rows[0]?.ok !== true) return null;
    await tx.execute(sql`select set_config('application_name', ${REFRESH_APP_NAME}, true)`);
    await lockUnitDataShared(tx);
    await tx.execute(sql`set local work_mem = '256MB'`);
    const guard = await tx.execute<{ w: number }>(watermarkSql(REFRESH_APP_NAME));
    let watermark = new Date(Number(guard.rows[0]?.w));
    const state = await readRefreshState(tx, input.experimentKey);
    const previous = state?.watermark ?? null;
    const incremental = !input.full && state !== undefined && state.fingerprint === fingerprint;
    let rebuiltUnits = 0;
    let behind = false;
    const sumsFingerprint = sumsFingerprintOf(input);
    // The sums are kept by delta while they match; otherwise recomputed from all rows below.
    let sumsCurrent = incremental && state?.sumsFingerprint === sumsFingerprint;
    if (incremental && previous) {
      const max = input.maxAdvanceMs;
      if (max !== undefined && watermark.getTime() - previous.getTime() > max) {
        watermark = new Date(previous.getTime() + max);
        behind = true;
      }
      if (watermark > previous) {
        const range = sql`received_at > ${previous.toISOString()}::timestamptz and received_at <= ${watermark.toISOString()}::timestamptz`;
        // Units with new exposures, read first as an array (see rebuildUnitsSql for why).
        const changed = await tx.execute<{ units: string[] | null }>(sql`
          select array_agg(distinct unit_id) as units from exposures
          where experiment_key = ${input.experimentKey} and ${range}`);
        const units = changed.rows[0]?.units ?? [];
        const touched = sumsCurrent ? await touchedUnits(tx, input.metrics, range, units) : [];
        if (touched.length > MAX_DELTA_UNITS) sumsCurrent = false;
        else if (touched.length > 0) {
          await tx.execute(addSumsSql(input.experimentKey, input.metrics, input.bounds, -1, touched));
        }
        if (input.metrics.length > 0) {
          await tx.execute(addEventsSql(input.experimentKey, input.metrics, previous, watermark));
        }
        if (units.length > 0) {
          await tx.execute(sql`delete from results_units where experiment_key = ${input.experimentKey}
            and unit_id = any(${sql.param(units)}::text[])`);
          rebuiltUnits = rowCount(await tx.execute(rebuildUnitsSql(input, watermark, units)));
        }
        if (sumsCurrent && touched.length > 0) {
          await tx.execute(addSumsSql(input.experimentKey, input.metrics, input.bounds, 1, touched));
          await tx.execute(
            sql`delete from results_sums where experiment_key = ${input.experimentKey} and units = 0`,
          );
        }
      } else {
        watermark = previous;
      }
    } else {
      await tx.execute(sql`delete from results_units where experiment_key = ${input.experimentKey}`);
      rebuiltUnits = rowCount(await tx.execute(rebuildUnitsSql(input, watermark, null)));
      // Fresh statistics, so incremental refreshes look units up by key instead of scanning.
      await tx.execute(sql`analyze results_units`);
    }
    if (!sumsCurrent) {
      await tx.execute(sql`delete from results_sums where experiment_key = ${input.experimentKey}`);
      await tx.execute(addSumsSql(input.experimentKey, input.metrics, input.bounds, 1, null));
    }
    await tx.execute(sql`
      insert into results_state (experiment_key, fingerprint, sums_fingerprint, watermark, unknown_variant_exposures, refreshed_at)
      values (${input.experimentKey}, ${fingerprint}, ${sumsFingerprint}, ${watermark.toISOString()}::timestamptz, 0, clock_timestamp())
      on conflict (experiment_key) do update set fingerprint = excluded.fingerprint,
        sums_fingerprint = excluded.sums_fingerprint, watermark = excluded.watermark, refreshed_at = excluded.refreshed_at`);
    return { mode: incremental ? "incremental" : "full", watermark, rebuiltUnits, behind };
  });
}

/**
 * Every unit whose row an incremental refresh may change: the units with new exposures, and
 * those with new events of a metric's name (ids without a row of the experiment match nothing).
 */
async function touchedUnits(tx: Db, metrics: MetricSpec[], range: SQL, exposed: string[]): Promise<string[]> {
  if (metrics.length === 0) return exposed;
  const names = list([...new Set(metrics.map((m) => m.eventName))]);
  const result = await tx.execute<{ units: string[] | null }>(
    sql`select array_agg(distinct unit_id) as units from events where ${range} and name in (${names})`,
  );
  return [...new Set([...exposed, ...(result.rows[0]?.units ?? [])])];
}

/** Rows affected by a write (node-postgres `rowCount`, PGlite `affectedRows`). */
function rowCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number };
  return Number(r.rowCount ?? r.affectedRows ?? 0);
}

function epochToDate(seconds: unknown): Date {
  return new Date(Math.round(Number(seconds) * 1000));
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

/** Units left out because their first exposure lies outside the experiment's time bounds. */
export interface ExcludedUnits {
  /** First exposure before the start minus the clock skew (none inside the bounds). */
  beforeStart: number;
  /** First exposure after the stop plus the clock skew. */
  afterStop: number;
}

/**
 * Reads per (variant, multi, day of first exposure) sums of every metric of one environment,
 * and how many units lie outside the bounds. From `results_sums` (a few rows per day, kept by
 * the worker) when `source` is "sums", which the caller may ask for only while the stored
 * `sums_fingerprint` matches {@link sumsFingerprintOf} of the same definition; otherwise from
 * one scan of the experiment's `results_units` rows (same numbers, see addSumsSql).
 */
export async function readVariantDays(
  db: Db,
  experimentKey: string,
  environment: string,
  metrics: MetricSpec[],
  bounds: TimeBounds,
  source: "sums" | "units" = "units",
): Promise<{ rows: VariantDayRow[]; excluded: ExcludedUnits }> {
  const fromSums = () => {
    const columns = metricSumList(metrics).map((c, i) => `, sums[${i + 1}] as ${c.name}`);
    return sql`
      select variant_key, multi, first_day as day, excl, units ${sql.raw(columns.join(""))}
      from results_sums where experiment_key = ${experimentKey} and environment = ${environment} and units > 0
      order by first_day, variant_key, multi`;
  };
  const result = await db.execute<SumsRow>(
    source === "sums"
      ? fromSums()
      : sql`
    select variant_key, multi, first_day as day, ${exclusionClass(bounds)} as excl, count(*)::float8 as units
      ${metricSums(metrics)}
    from results_units where experiment_key = ${experimentKey} and environment = ${environment}
    group by variant_key, multi, first_day, excl order by first_day, variant_key, multi`,
  );
  const excluded: ExcludedUnits = { beforeStart: 0, afterStop: 0 };
  const rows: VariantDayRow[] = [];
  for (const row of result.rows) {
    const excl = Number(row.excl);
    if (excl === 1) excluded.beforeStart += Number(row.units);
    else if (excl === 2) excluded.afterStop += Number(row.units);
    else {
      rows.push({
        variant: String(row.variant_key),
        multi: row.multi === true,
        day: Number(row.day),
        units: Number(row.units),
        metrics: readSums(row, metrics),
      });
    }
  }
  return { rows, excluded };
}

/**
 * Reads per (variant, segment) sums for a breakdown by one attribute of the first exposure, in
 * one environment.
 * The {@link MAX_SEGMENTS} most common values are kept, the rest folded into "(other)"; units
 * without the attribute form "(none)". Every exposed unit of a segment stays in its denominator.
 * `base` is `not materialized` so that on Citus the shards aggregate it (it is used twice).
 */
export async function readSegments(
  db: Db,
  experimentKey: string,
  environment: string,
  metrics: MetricSpec[],
  dimension: string,
  bounds: TimeBounds,
): Promise<SegmentRow[]> {
  const result = await db.execute<SumsRow>(sql`
    with base as not materialized (
      select *, coalesce(attributes ->> ${dimension}, '(none)') as value
      from results_units where experiment_key = ${experimentKey} and environment = ${environment}
        and not multi and ${insideBounds(bounds)}
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
