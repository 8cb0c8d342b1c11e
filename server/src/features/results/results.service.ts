import type { Db } from "../../db.js";
import { fieldError } from "../../errors.js";
import { knownEnvironments } from "../keys/index.js";
import {
  boundsOf,
  CLOCK_SKEW_MS,
  loadResultsDefinition,
  type ResultsDefinition,
} from "./results.definition.js";
import type { Looks } from "./results.looks.js";
import type { RefreshJob, RefreshStatus, ResultsRefresher } from "./results.refresher.js";
import {
  fingerprintOf,
  readRefreshState,
  readSegments,
  readVariantDays,
  sumsFingerprintOf,
} from "./results.repo.js";
import { buildReport, type ResultsReport } from "./results.report.js";
import type { ResultsQuery } from "./results.schemas.js";

export { loadResultsDefinition, type ResultsDefinition } from "./results.definition.js";

/** Dependencies of the results use case. */
export interface ResultsDeps {
  db: Db;
  /** The background worker that keeps the pre-aggregated rows current (and runs full rebuilds). */
  refresher: ResultsRefresher;
}

/** How fresh the report is (added to the report as `freshness`). */
export interface Freshness {
  /** `pending`: the worker has not refreshed this experiment yet, nothing is counted. */
  state: "ready" | "pending";
  /** When the rows were last refreshed (by any server process). */
  refreshedAt: string | null;
  /** Seconds from `dataThrough` to the time of this response. */
  lagSeconds: number | null;
  /** The rows were built for other variants, metric definitions or time bounds: a full rebuild is due. */
  stale: boolean;
  /** The last refresh run by the process that answered (duration, mode), if it ran one. */
  lastRefresh?: RefreshStatus;
  /** The last `?refresh=full` job requested on the process that answered. */
  job?: RefreshJob;
}

/** Exposures left out by the experiment's time bounds (added to the report as `excluded`). */
export interface Excluded {
  /** Units whose every exposure is before `startedAt` minus the clock skew. */
  beforeStart: number;
  /** Units whose every exposure is after `stoppedAt` plus the clock skew. */
  afterStop: number;
  /** The clock skew allowed on both sides, in minutes. */
  clockSkewMinutes: number;
  /** One sentence per non-zero count. */
  reasons: string[];
}

/**
 * Builds the report of one experiment from the latest refreshed state of its pre-aggregated
 * unit rows: one scan of those rows (plus one for a breakdown) and the statistics. Never
 * refreshes; `?refresh=full` queues a rebuild on the worker and reports the job's state.
 */
export async function computeResults(
  deps: ResultsDeps,
  key: string,
  query: ResultsQuery,
): Promise<ResultsReport & ReportEnvelope> {
  const def = await loadResultsDefinition(deps.db, key);
  const environments = await knownEnvironments(deps.db);
  if (!environments.includes(query.environment)) {
    throw fieldError(
      "query.environment",
      `unknown environment "${query.environment}"; known: ${environments.join(", ")}`,
    );
  }
  const job = query.refresh === "full" ? deps.refresher.requestFull(key) : deps.refresher.job(key);
  const lastRefresh = deps.refresher.status(key);
  const looks = deps.refresher.looks(key, query.environment);
  return reportResults(deps.db, def, query, {
    environments,
    ...(job ? { job } : {}),
    ...(lastRefresh ? { lastRefresh } : {}),
    ...(looks ? { looks } : {}),
  });
}

/** What the service adds around the built report. */
export interface ReportEnvelope {
  /** The environment whose traffic the report counts. */
  environment: string;
  /** The environments the report may be asked for. */
  environments: string[];
  freshness: Freshness;
  excluded: Excluded;
}

/**
 * Reads the sums of the stored rows of one environment (default production) and builds the
 * report (no refresh).
 */
export async function reportResults(
  db: Db,
  def: ResultsDefinition,
  query: Pick<ResultsQuery, "dimension" | "mde"> & { environment?: string | undefined },
  extra: Pick<Freshness, "job" | "lastRefresh"> & { looks?: Looks; environments?: string[] } = {},
): Promise<ResultsReport & ReportEnvelope> {
  const { experiment, metrics } = def;
  const environment = query.environment ?? "production";
  const bounds = boundsOf(experiment);
  const state = await readRefreshState(db, experiment.key);
  const definition = { variants: experiment.variants.map((v) => v.key), metrics, bounds };
  // The worker's sums when they were computed for this definition, else every unit's row.
  const source = state?.sumsFingerprint === sumsFingerprintOf(definition) ? "sums" : "units";
  const { rows, excluded } = await readVariantDays(db, experiment.key, environment, metrics, bounds, source);
  const segments = query.dimension
    ? {
        dimension: query.dimension,
        rows: await readSegments(db, experiment.key, environment, metrics, query.dimension, bounds),
      }
    : undefined;
  const now = new Date();
  const watermark = state?.watermark ?? experiment.startedAt ?? now;
  const report = buildReport({
    experiment: {
      key: experiment.key,
      status: experiment.status,
      startedAt: experiment.startedAt,
      variants: experiment.variants.map((v) => ({ key: v.key, weight: v.weight })),
      analysis: experiment.analysis,
    },
    metrics,
    rows,
    ...(segments ? { segments } : {}),
    watermark,
    mde: query.mde,
    ...(extra.looks && extra.looks.environment === environment ? { looks: extra.looks } : {}),
  });
  const fingerprint = fingerprintOf(definition);
  const skew = CLOCK_SKEW_MS / 60_000;
  const reasons: string[] = [];
  if (excluded.beforeStart > 0) {
    reasons.push(
      `${excluded.beforeStart} units were first exposed more than ${skew} minutes before the start and are not counted.`,
    );
  }
  if (excluded.afterStop > 0) {
    reasons.push(
      `${excluded.afterStop} units were first exposed more than ${skew} minutes after the stop and are not counted.`,
    );
  }
  const { experiment: experimentKey, ...rest } = report;
  return {
    experiment: experimentKey,
    environment,
    environments: extra.environments ?? [...new Set(["production", environment])].sort(),
    ...rest,
    freshness: {
      state: state ? "ready" : "pending",
      refreshedAt: state?.refreshedAt.toISOString() ?? null,
      lagSeconds: state ? (now.getTime() - state.watermark.getTime()) / 1000 : null,
      stale: state !== undefined && state.fingerprint !== fingerprint,
      ...(extra.job ? { job: extra.job } : {}),
      ...(extra.lastRefresh ? { lastRefresh: extra.lastRefresh } : {}),
    },
    excluded: { ...excluded, clockSkewMinutes: skew, reasons },
  };
}
