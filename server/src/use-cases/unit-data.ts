/**
 * Unit data across features: erasure (privacy requests) and retention. Exposures and events
 * belong to the events feature, their per-unit aggregates to results, the record of who erased
 * what to audit; this use case takes the results' unit-data lock and calls each owner.
 */
import type { Db } from "../db.js";
import { insertAudit } from "../features/audit/index.js";
import { deleteExpiredSlice, deleteUnitRows, type EraseUnitResponse } from "../features/events/index.js";
import { forgetUnits, lockUnitDataExclusive } from "../features/results/index.js";

/** Dependencies of erasure and retention. */
export interface RetentionDeps {
  db: Db;
}

/**
 * Erases every exposure and event of one unit (privacy request), and its pre-aggregated results
 * rows in every experiment, and records who did it in the audit log, in one transaction that
 * holds the unit-data lock exclusively: a results refresh in progress finishes first, and none
 * starts until the erasure is committed, so none can write the unit's rows back. Returns the counts.
 *
 * @example
 * await eraseUnit({ db }, "user-42", "env:ADMIN_TOKEN"); // -> { unitId: "user-42", exposures: 3, events: 17 }
 */
export async function eraseUnit(
  deps: RetentionDeps,
  unitId: string,
  actor: string,
): Promise<EraseUnitResponse> {
  return deps.db.transaction(async (tx) => {
    await lockUnitDataExclusive(tx);
    const counts = await deleteUnitRows(tx, unitId);
    await forgetUnits(tx, [unitId]);
    const result = { unitId, ...counts };
    await insertAudit(tx, {
      actor,
      action: "unit.erase",
      entityType: "unit",
      entityKey: unitId,
      after: result,
    });
    return result;
  });
}

/**
 * Deletes exposures and events whose timestamp is more than `days` days before `now`, in
 * slices of `sliceSize` rows, one transaction per slice under the unit-data lock (see
 * {@link eraseUnit}). The pre-aggregated results rows of every unit that lost rows go in the
 * same transaction, and the experiments they belonged to are marked for a full rebuild (the
 * refresh worker rebuilds them from what is left), so the report after a purge equals a full
 * rebuild over the remaining rows.
 *
 * @example
 * await purgeExpired({ db }, { days: 90 }); // -> { exposures: 120, events: 5400 }
 */
export async function purgeExpired(
  deps: Pick<RetentionDeps, "db">,
  options: { days: number; now?: Date; sliceSize?: number },
): Promise<{ exposures: number; events: number }> {
  if (!(options.days > 0)) throw new RangeError("retention days must be positive");
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.days * 24 * 60 * 60 * 1000);
  const slice = options.sliceSize ?? 10_000;
  const purge = async (table: "exposures" | "events"): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await deps.db.transaction(async (tx) => {
        await lockUnitDataExclusive(tx);
        const units = await deleteExpiredSlice(tx, table, cutoff, slice);
        await forgetUnits(tx, [...new Set(units)], { reason: "retention purge" });
        return units.length;
      });
      total += n;
      if (n < slice) return total;
    }
  };
  return { exposures: await purge("exposures"), events: await purge("events") };
}

/** Options of {@link startRetentionJob}. */
export interface RetentionJobOptions {
  db: Db;
  days: number;
  /** How often to purge, in ms (default hourly). The first purge runs right away. */
  intervalMs?: number;
  onResult?: (result: { exposures: number; events: number }) => void;
  onError?: (error: unknown) => void;
}

/**
 * Runs {@link purgeExpired} now and then every `intervalMs` until the returned `stop()`
 * is called; `stop()` resolves after a purge in progress has finished.
 */
export function startRetentionJob(options: RetentionJobOptions): { stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = purgeExpired({ db: options.db }, { days: options.days })
      .then((result) => options.onResult?.(result))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? 60 * 60 * 1000);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
