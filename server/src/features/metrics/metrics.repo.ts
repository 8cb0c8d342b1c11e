import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type MetricRow, metrics } from "./metrics.table.js";

/** One metric. */
export async function findMetric(db: Db, key: string, lock = false): Promise<MetricRow | undefined> {
  const query = db.select().from(metrics).where(eq(metrics.key, key)).limit(1);
  return (lock ? await query.for("update") : await query)[0];
}

/** All metrics in key order. */
export async function listMetrics(db: Db): Promise<MetricRow[]> {
  return db.select().from(metrics).orderBy(asc(metrics.key));
}

/** Inserts a metric. */
export async function insertMetric(db: Db, row: typeof metrics.$inferInsert): Promise<MetricRow> {
  return (await db.insert(metrics).values(row).returning())[0]!;
}

/** Updates a metric. */
export async function updateMetric(
  db: Db,
  key: string,
  changes: Partial<typeof metrics.$inferInsert>,
): Promise<MetricRow> {
  return (
    await db
      .update(metrics)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(metrics.key, key))
      .returning()
  )[0]!;
}

/** Which of `keys` exist as metrics. */
export async function existingMetricKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.select({ key: metrics.key }).from(metrics).where(inArray(metrics.key, keys));
  return new Set(rows.map((r) => r.key));
}

/** The metrics with these keys (any order; unknown keys are left out). */
export async function findMetricsByKeys(db: Db, keys: string[]): Promise<MetricRow[]> {
  if (keys.length === 0) return [];
  return db.select().from(metrics).where(inArray(metrics.key, keys));
}
