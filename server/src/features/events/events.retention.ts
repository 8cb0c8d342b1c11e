import type { Db } from "../../db.js";
import { insertAudit } from "../audit/audit.repo.js";
import { deleteRowsBefore, deleteUnitRows } from "./events.repo.js";
import type { EraseUnitResponse } from "./events.schemas.js";

/** Dependencies of erasure and retention. */
export interface RetentionDeps {
  db: Db;
}

/**
 * Erases every exposure and event of one unit (privacy request) and records who did it
 * in the audit log, in one transaction; returns the counts.
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
    const counts = await deleteUnitRows(tx, unitId);
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
 * Deletes exposures and events whose timestamp is more than `days` days before `now`.
 *
 * @example
 * await purgeExpired({ db }, { days: 90 }); // -> { exposures: 120, events: 5400 }
 */
export async function purgeExpired(
  deps: Pick<RetentionDeps, "db">,
  options: { days: number; now?: Date },
): Promise<{ exposures: number; events: number }> {
  if (!(options.days > 0)) throw new RangeError("retention days must be positive");
  const now = options.now ?? new Date();
  return deleteRowsBefore(deps.db, new Date(now.getTime() - options.days * 24 * 60 * 60 * 1000));
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
