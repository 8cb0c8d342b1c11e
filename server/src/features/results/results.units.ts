import { sql } from "drizzle-orm";
import type { Db } from "../../db.js";

/**
 * Forgets the pre-aggregated rows of these units in every experiment (pass a transaction that
 * holds the unit-data lock); their experiments' report sums are marked for recomputing. With `rebuild`, the experiments they belonged to are marked for a
 * full rebuild first, so their reports are recomputed from the raw rows that are left.
 */
export async function forgetUnits(db: Db, unitIds: string[], rebuild?: { reason: string }): Promise<void> {
  if (unitIds.length === 0) return;
  const units = sql.param(unitIds);
  // Their experiments' sums no longer match the rows: requests read the rows until the
  // worker's next refresh recomputes the sums.
  await db.execute(sql`
    update results_state set sums_fingerprint = null${rebuild ? sql`, fingerprint = ${`stale: ${rebuild.reason}`}` : sql``}
    where experiment_key in (select distinct experiment_key from results_units where unit_id = any(${units}::text[]))`);
  await db.execute(sql`delete from results_units where unit_id = any(${units}::text[])`);
}
