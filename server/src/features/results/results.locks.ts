import { sql } from "drizzle-orm";
import type { Db } from "../../db.js";

/**
 * One advisory lock serializes removal of a unit's data against results refreshes: every
 * refresh holds it shared for its whole transaction, erasure and the retention purge take it
 * exclusively. So a refresh never re-inserts `results_units` rows of a unit that an erasure
 * removed (it either finished before the erasure started, or starts after it committed and
 * no longer sees the unit's raw rows). Key: a fixed 64-bit number, "splitlab-unit-data".
 */
const UNIT_DATA_LOCK = 7_243_518_900_112_001n;

/** Takes the unit-data lock shared until the end of the transaction (refreshes). */
export async function lockUnitDataShared(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${UNIT_DATA_LOCK.toString()}::bigint)`);
}

/** Takes the unit-data lock exclusively until the end of the transaction (erasure, retention). */
export async function lockUnitDataExclusive(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${UNIT_DATA_LOCK.toString()}::bigint)`);
}
