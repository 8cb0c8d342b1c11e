import { sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import { postgresErrorCode } from "../../errors.js";
import { listExposableExperiments } from "../experiments/index.js";
import { type IngestRows, type InsertedKeys, rowKey } from "./events.writer.js";
import type { ExperimentVariants } from "./experiment-catalog.js";

type Row = Record<string, unknown>;

function rowsOf(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}

/**
 * Inserts the rows of one group commit in a single transaction, one
 * `INSERT ... SELECT FROM unnest(...) ON CONFLICT (unit_id, id) DO NOTHING RETURNING unit_id, id`
 * per table, and returns the keys of the rows actually inserted (already stored ones are left out).
 * A deadlock between two transactions inserting the same ids in different order is retried.
 */
export async function insertIngestRows(db: Db, rows: IngestRows): Promise<InsertedKeys> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertOnce(db, rows);
    } catch (error) {
      // drizzle wraps the driver's error: the SQLSTATE is on `cause`.
      const code = postgresErrorCode(error);
      if (attempt >= 3 || (code !== "40P01" && code !== "40001")) throw error;
    }
  }
}

async function insertOnce(db: Db, rows: IngestRows): Promise<InsertedKeys> {
  const { exposures, tracks } = rows;
  return db.transaction(async (tx) => {
    let exposureKeys: string[] = [];
    let eventKeys: string[] = [];
    if (exposures.length > 0) {
      const n = exposures.length;
      const id = new Array<string>(n);
      const experiment = new Array<string>(n);
      const variant = new Array<string>(n);
      const unit = new Array<string>(n);
      const ts = new Array<string>(n);
      const attributes = new Array<string | null>(n);
      const environment = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const r = exposures[i]!;
        id[i] = r.id;
        experiment[i] = r.experimentKey;
        variant[i] = r.variantKey;
        unit[i] = r.unitId;
        ts[i] = r.ts;
        attributes[i] = r.attributes;
        environment[i] = r.environment;
      }
      const result = await tx.execute(sql`
        insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, environment)
        select * from unnest(${sql.param(id)}::uuid[], ${sql.param(experiment)}::text[],
          ${sql.param(variant)}::text[], ${sql.param(unit)}::text[],
          ${sql.param(ts)}::timestamptz[], ${sql.param(attributes)}::jsonb[], ${sql.param(environment)}::text[])
        on conflict (unit_id, id) do nothing
        returning unit_id, id`);
      exposureKeys = rowsOf(result).map((r) => rowKey(r.unit_id as string, r.id as string));
    }
    if (tracks.length > 0) {
      const n = tracks.length;
      const id = new Array<string>(n);
      const name = new Array<string>(n);
      const unit = new Array<string>(n);
      const ts = new Array<string>(n);
      const value = new Array<number | null>(n);
      const properties = new Array<string | null>(n);
      const environment = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const r = tracks[i]!;
        id[i] = r.id;
        name[i] = r.name;
        unit[i] = r.unitId;
        ts[i] = r.ts;
        value[i] = r.value;
        properties[i] = r.properties;
        environment[i] = r.environment;
      }
      const result = await tx.execute(sql`
        insert into events (id, name, unit_id, ts, value, properties, environment)
        select * from unnest(${sql.param(id)}::uuid[], ${sql.param(name)}::text[],
          ${sql.param(unit)}::text[], ${sql.param(ts)}::timestamptz[],
          ${sql.param(value)}::float8[], ${sql.param(properties)}::jsonb[], ${sql.param(environment)}::text[])
        on conflict (unit_id, id) do nothing
        returning unit_id, id`);
      eventKeys = rowsOf(result).map((r) => rowKey(r.unit_id as string, r.id as string));
    }
    return { exposureKeys, eventKeys };
  });
}

/** Deletes every exposure and event of one unit (pass a transaction); returns how many rows of each went. */
export async function deleteUnitRows(db: Db, unitId: string): Promise<{ exposures: number; events: number }> {
  const e = await db.execute(sql`
    with d as (delete from exposures where unit_id = ${unitId} returning 1) select count(*)::int as n from d`);
  const t = await db.execute(sql`
    with d as (delete from events where unit_id = ${unitId} returning 1) select count(*)::int as n from d`);
  return { exposures: Number(rowsOf(e)[0]?.n ?? 0), events: Number(rowsOf(t)[0]?.n ?? 0) };
}

/** The ingestion catalog: exposable experiments (the experiments feature's list) by key, with variant keys. */
export async function loadExposableExperiments(db: Db): Promise<ExperimentVariants> {
  const rows = await listExposableExperiments(db);
  return new Map(rows.map((r) => [r.key, new Set(r.variants)]));
}

/**
 * Deletes up to `limit` rows of `table` with a timestamp before `cutoff` (pass a transaction);
 * returns the unit ids of the deleted rows (one per row).
 */
export async function deleteExpiredSlice(
  db: Db,
  table: "exposures" | "events",
  cutoff: Date,
  limit: number,
): Promise<string[]> {
  const deleted = await db.execute<{ unit_id: string }>(sql`
    delete from ${sql.identifier(table)} where (unit_id, id) in (
      select unit_id, id from ${sql.identifier(table)} where ts < ${cutoff.toISOString()}::timestamptz limit ${limit})
    returning unit_id`);
  return deleted.rows.map((r) => r.unit_id);
}
