import { and, arrayContains, asc, eq, inArray, ne, notInArray, type SQL } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type ExperimentInsert, type ExperimentRow, experiments } from "./experiments.table.js";

/** One experiment; `lock` takes a row lock (inside a transaction) before a change. */
export async function findExperiment(db: Db, key: string, lock = false): Promise<ExperimentRow | undefined> {
  const query = db.select().from(experiments).where(eq(experiments.key, key)).limit(1);
  const rows = lock ? await query.for("update") : await query;
  return rows[0];
}

/** Experiments, optionally of one status, oldest first. */
export async function listExperiments(db: Db, status?: ExperimentRow["status"]): Promise<ExperimentRow[]> {
  const where: SQL[] = [];
  if (status) where.push(eq(experiments.status, status));
  return db
    .select()
    .from(experiments)
    .where(and(...where))
    .orderBy(asc(experiments.createdAt), asc(experiments.key));
}

/** Running experiments enabled in `environment` (the SDK config of its keys), in key order. */
export async function listRunningExperiments(db: Db, environment: string): Promise<ExperimentRow[]> {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.status, "running"), arrayContains(experiments.environments, [environment])))
    .orderBy(asc(experiments.key));
}

/** Inserts one experiment. */
export async function insertExperiment(db: Db, row: ExperimentInsert): Promise<ExperimentRow> {
  const rows = await db.insert(experiments).values(row).returning();
  return rows[0]!;
}

/** Updates one experiment and returns the new row. */
export async function updateExperiment(
  db: Db,
  key: string,
  changes: Partial<ExperimentInsert>,
): Promise<ExperimentRow> {
  const rows = await db
    .update(experiments)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(experiments.key, key))
    .returning();
  return rows[0]!;
}

/** Draft and running experiments of a layer other than `exceptKey` (their slices are taken). */
export async function findLayerSlices(
  db: Db,
  layerKey: string,
  exceptKey: string,
): Promise<Pick<ExperimentRow, "key" | "layerLo" | "layerHi" | "status">[]> {
  return db
    .select({
      key: experiments.key,
      layerLo: experiments.layerLo,
      layerHi: experiments.layerHi,
      status: experiments.status,
    })
    .from(experiments)
    .where(
      and(
        eq(experiments.layerKey, layerKey),
        ne(experiments.key, exceptKey),
        notInArray(experiments.status, ["stopped", "archived"]),
      ),
    );
}

/** Keys of experiments among `keys` that exist (any status). */
export async function existingExperimentKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .select({ key: experiments.key })
    .from(experiments)
    .where(inArray(experiments.key, keys));
  return new Set(rows.map((r) => r.key));
}

/**
 * Experiments that may receive exposures (running or stopped; a draft or archived experiment is
 * unknown to ingestion) with their variant keys: the catalog ingestion checks exposures against.
 */
export async function listExposableExperiments(db: Db): Promise<{ key: string; variants: string[] }[]> {
  const rows = await db
    .select({ key: experiments.key, variants: experiments.variants })
    .from(experiments)
    .where(inArray(experiments.status, ["running", "stopped"]));
  return rows.map((r) => ({ key: r.key, variants: r.variants.map((v) => v.key) }));
}

/** Experiments placed in a layer (any status), by slice start. */
export async function listExperimentsInLayer(db: Db, layerKey: string) {
  return db
    .select({
      key: experiments.key,
      status: experiments.status,
      layerLo: experiments.layerLo,
      layerHi: experiments.layerHi,
    })
    .from(experiments)
    .where(eq(experiments.layerKey, layerKey))
    .orderBy(asc(experiments.layerLo), asc(experiments.key));
}
