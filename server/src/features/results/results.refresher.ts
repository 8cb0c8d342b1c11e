import { sql } from "drizzle-orm";
import { Gauge, Histogram, type Registry } from "prom-client";
import type { Db } from "../../db.js";
import {
  boundsOf,
  CLOCK_SKEW_MS,
  loadResultsDefinition,
  type ResultsDefinition,
} from "./results.definition.js";
import { computeLooks, type Looks } from "./results.looks.js";
import { type RefreshOutcome, refreshResultUnits } from "./results.repo.js";

/** The environment results default to (as the keys feature's DEFAULT_ENVIRONMENT). */
const PRODUCTION = "production";

/** Environments whose looks the worker keeps: production (the default report) and every enabled one. */
export function reportedEnvironments(experiment: { environments: string[] }): string[] {
  return [...new Set([PRODUCTION, ...experiment.environments])];
}

const looksKey = (key: string, environment: string) => `${key}\u0000${environment}`;

/** Tables the results SQL reads whose planner statistics the worker keeps current. */
const ANALYZED_TABLES = ["exposures", "events", "results_units"] as const;

/** The BRIN indexes on `received_at` and `ts` the incremental refresh and the looks scan by. */
const BRIN_INDEXES = [
  "exposures_received_brin",
  "events_received_brin",
  "exposures_ts_brin",
  "events_ts_brin",
] as const;

/** A queued `?refresh=full` rebuild. */
export interface RefreshJob {
  state: "queued" | "running" | "done" | "failed";
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** failed: why (the error's message). */
  error?: string;
}

/** What this process knows about the last refresh of one experiment. */
export interface RefreshStatus {
  mode: "full" | "incremental";
  /** When the refresh finished. */
  finishedAt: string;
  durationMs: number;
  rebuiltUnits: number;
}

/** Options of {@link ResultsRefresher}. */
export interface ResultsRefresherOptions {
  db: Db;
  /** Pause between ticks in ms (default 1000; at least the previous tick's duration). */
  intervalMs?: number;
  /**
   * Bounded work per tick: an incremental refresh moves an experiment's watermark by at most
   * this much received data (default 5 minutes); a backlog is caught up over several ticks.
   */
  maxAdvanceMs?: number;
  /**
   * How old the sequential chart's looks (results.looks.ts, a scan of the raw events like a
   * full rebuild) may get before the worker recomputes them (default 10 minutes; one per tick).
   */
  looksEveryMs?: number;
  /** Prometheus registry for the refresh gauges (lag, duration, last refresh). */
  registry?: Registry;
  onError?: (error: unknown, experimentKey: string) => void;
}

/** Default pause between refresh ticks (ms). */
export const DEFAULT_REFRESH_INTERVAL_MS = 1000;
/** Default largest watermark advance of one incremental refresh (ms of received data). */
export const DEFAULT_MAX_ADVANCE_MS = 5 * 60_000;
/** Default age after which the worker recomputes an experiment's looks (ms). */
export const DEFAULT_LOOKS_EVERY_MS = 10 * 60_000;

/**
 * The background refresh worker: every tick it refreshes `results_units` of every running
 * experiment and of stopped experiments whose attribution windows are still open (so the
 * refresh after the stop happens), queued full rebuilds first. At most one refresher per
 * experiment runs across all server processes on one database: a refresh that finds the
 * experiment's advisory lock taken is skipped until the next tick. Requests never refresh;
 * they read the latest refreshed state ({@link status}).
 */
export class ResultsRefresher {
  private readonly db: Db;
  private readonly intervalMs: number;
  private readonly maxAdvanceMs: number;
  private readonly onError: ((error: unknown, key: string) => void) | undefined;
  private readonly jobs = new Map<string, RefreshJob>();
  private readonly statuses = new Map<string, RefreshStatus>();
  private readonly lookCache = new Map<string, Looks>();
  /** Per experiment refreshed by this process: the environments its looks are kept for. */
  private readonly environments = new Map<string, string[]>();
  private readonly looksEveryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private looksRunning: Promise<void> | null = null;
  private stopped = false;
  private statisticsCheckedAt = 0;
  private summarizeFailed = false;
  private readonly lag: Gauge<"experiment"> | undefined;
  private readonly duration: Histogram<"mode"> | undefined;
  private readonly lastRefresh: Gauge<"experiment"> | undefined;

  constructor(options: ResultsRefresherOptions) {
    this.db = options.db;
    this.intervalMs = options.intervalMs ?? DEFAULT_REFRESH_INTERVAL_MS;
    this.maxAdvanceMs = options.maxAdvanceMs ?? DEFAULT_MAX_ADVANCE_MS;
    this.onError = options.onError;
    this.looksEveryMs = options.looksEveryMs ?? DEFAULT_LOOKS_EVERY_MS;
    const registers = options.registry ? [options.registry] : undefined;
    if (registers) {
      this.lag = new Gauge({
        name: "results_refresh_lag_seconds",
        help: "Seconds between now and the results watermark (data through) at the last refresh",
        labelNames: ["experiment"],
        registers,
      });
      this.lastRefresh = new Gauge({
        name: "results_refresh_last_timestamp_seconds",
        help: "Unix time of the last finished results refresh",
        labelNames: ["experiment"],
        registers,
      });
      this.duration = new Histogram({
        name: "results_refresh_duration_seconds",
        help: "Duration of results refreshes",
        labelNames: ["mode"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        registers,
      });
    }
  }

  /** Starts ticking (first tick at once). */
  start(): void {
    if (this.timer || this.stopped) return;
    const loop = () => {
      if (this.stopped) return;
      const started = performance.now();
      this.running = this.tick().then(
        (done) => this.scheduleLooks(done),
        () => undefined,
      );
      void this.running.finally(() => {
        this.running = null;
        // At least as long a pause as the tick took: the worker never takes more than half of
        // the database's (on PGlite: the process's single connection's) time.
        const pause = Math.max(this.intervalMs, performance.now() - started);
        if (!this.stopped) this.timer = setTimeout(loop, pause);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Stops ticking; resolves after a refresh in progress has finished (`start()` may follow). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.looksRunning;
    this.stopped = false;
  }

  /** Queues a full rebuild of one experiment (run by the next tick); returns its job. */
  requestFull(key: string): RefreshJob {
    const current = this.jobs.get(key);
    if (current && (current.state === "queued" || current.state === "running")) return current;
    const job: RefreshJob = { state: "queued", requestedAt: new Date().toISOString() };
    this.jobs.set(key, job);
    return job;
  }

  /** The last full-rebuild job of one experiment requested on this process. */
  job(key: string): RefreshJob | undefined {
    return this.jobs.get(key);
  }

  /** The looks of one experiment in one environment last computed by this process. */
  looks(key: string, environment = PRODUCTION): Looks | undefined {
    return this.lookCache.get(looksKey(key, environment));
  }

  /**
   * Computes the looks of one experiment in one environment now (the worker does so for each
   * of {@link reportedEnvironments} when they are older than `looksEveryMs`).
   */
  async computeLooks(key: string, environment = PRODUCTION): Promise<Looks | undefined> {
    const def = await loadResultsDefinition(this.db, key);
    const looks = await computeLooks(this.db, {
      experimentKey: key,
      environment,
      metrics: def.metrics,
      bounds: boundsOf(def.experiment),
    });
    if (looks) this.lookCache.set(looksKey(key, environment), looks);
    return looks;
  }

  /** The last refresh of one experiment run by this process. */
  status(key: string): RefreshStatus | undefined {
    return this.statuses.get(key);
  }

  /**
   * One pass: queued full rebuilds, then every experiment that needs keeping current. Returns
   * the experiments refreshed (skipped ones, locked by another refresher, are left out).
   */
  async tick(): Promise<string[]> {
    const done: string[] = [];
    await this.summarizeNewRanges();
    await this.keepStatistics();
    for (const [key, job] of this.jobs) {
      if (job.state !== "queued") continue;
      job.state = "running";
      job.startedAt = new Date().toISOString();
      try {
        const def = await loadResultsDefinition(this.db, key);
        const outcome = await this.refreshOne(def, true);
        if (outcome) {
          job.state = "done";
          done.push(key);
        } else job.state = "queued"; // another process holds the lock: retry next tick
      } catch (error) {
        job.state = "failed";
        job.error = error instanceof Error ? error.message : String(error);
        this.onError?.(error, key);
      }
      if (job.state !== "queued") job.finishedAt = new Date().toISOString();
      if (this.stopped) return done;
    }
    for (const candidate of await this.candidates()) {
      if (this.stopped) break;
      if (done.includes(candidate.key)) continue;
      try {
        const def = await loadResultsDefinition(this.db, candidate.key);
        if (!needsRefresh(def, candidate)) continue;
        if (await this.refreshOne(def, false)) done.push(candidate.key);
      } catch (error) {
        this.onError?.(error, candidate.key);
      }
    }
    return done;
  }

  /**
   * Starts the looks computation of the (refreshed experiment, environment) whose looks are oldest, if due. The
   * looks scan raw events like a full rebuild: one at a time, beside the refreshes (not awaited,
   * so refreshes keep the other experiments fresh meanwhile). Only the started worker does this;
   * a `tick()` called directly leaves no background work behind.
   */
  private scheduleLooks(done: string[]): void {
    const due = done
      .flatMap((key) =>
        (this.environments.get(key) ?? [PRODUCTION]).map((environment) => ({
          key,
          environment,
          at: this.lookCache.get(looksKey(key, environment))?.computedAt.getTime() ?? 0,
        })),
      )
      .filter((x) => Date.now() - x.at >= this.looksEveryMs)
      .sort((a, b) => a.at - b.at)[0];
    if (!due || this.stopped || this.looksRunning) return;
    this.looksRunning = this.computeLooks(due.key, due.environment).then(
      () => undefined,
      (error: unknown) => this.onError?.(error, due.key),
    );
    void this.looksRunning.finally(() => {
      this.looksRunning = null;
    });
  }

  /**
   * Keeps the planner's statistics of the tables the results SQL reads current, at most every
   * 10 s: a table whose rows changed by more than 500 + 10 % since its last ANALYZE is analysed
   * (the autovacuum rule with a larger floor). PGlite has no autovacuum, and PostgreSQL may run
   * without it; without statistics a fresh `events` table looks empty to the planner, which then
   * picks nested loops that turn a seconds-long refresh into minutes. ANALYZE samples (30,000
   * rows by default) and does not block inserts.
   */
  private async keepStatistics(): Promise<void> {
    if (Date.now() - this.statisticsCheckedAt < 10_000) return;
    this.statisticsCheckedAt = Date.now();
    await this.analyzeStaleTables();
  }

  /**
   * Summarizes the page ranges that ingestion appended since the last tick into the BRIN indexes
   * and returns how many it summarized. A BRIN index only skips summarized ranges: an
   * unsummarized one is always read, so without this the incremental refresh's "received since
   * the watermark" scan reads every row appended since the table's last VACUUM, which grows with
   * the table (PGlite has no autovacuum, and PostgreSQL may run without it). Summarizing only
   * reads the new ranges; later inserts into a summarized range widen its summary themselves.
   */
  async summarizeNewRanges(): Promise<number> {
    let summarized = 0;
    for (const index of BRIN_INDEXES) {
      if (this.stopped) break;
      try {
        const result = await this.db.execute<{ n: number }>(
          sql`select brin_summarize_new_values(${index}::regclass) as n`,
        );
        summarized += Number(result.rows[0]?.n ?? 0);
      } catch (error) {
        // A distributed (Citus) shell table has no local ranges to summarize: report once.
        if (!this.summarizeFailed) this.onError?.(error, "brin-summarize");
        this.summarizeFailed = true;
      }
    }
    return summarized;
  }

  /** The check of {@link keepStatistics} without its 10 s gate; returns the tables analysed. */
  async analyzeStaleTables(): Promise<string[]> {
    const analysed: string[] = [];
    try {
      const stale = await this.db.execute<{ relname: string }>(sql`
        select relname from pg_stat_user_tables
        where relname in ('exposures', 'events', 'results_units')
          and n_mod_since_analyze > 500 + 0.1 * greatest(n_live_tup, 0)`);
      for (const row of stale.rows) {
        if (this.stopped) break;
        const table = ANALYZED_TABLES.find((t) => t === row.relname);
        if (!table) continue;
        await this.db.execute(sql.raw(`analyze ${table}`));
        analysed.push(table);
      }
    } catch (error) {
      this.onError?.(error, "analyze");
    }
    return analysed.sort();
  }

  /** Refreshes one experiment now (the worker's unit of work; tests call it to step the worker). */
  async refresh(key: string, options: { full?: boolean } = {}): Promise<RefreshOutcome | null> {
    return this.refreshOne(await loadResultsDefinition(this.db, key), options.full ?? false);
  }

  private async refreshOne(def: ResultsDefinition, full: boolean): Promise<RefreshOutcome | null> {
    const { experiment } = def;
    if (experiment.variants.length === 0) return null;
    const started = performance.now();
    const outcome = await refreshResultUnits(this.db, {
      experimentKey: experiment.key,
      variants: experiment.variants.map((v) => v.key),
      metrics: def.metrics,
      bounds: boundsOf(experiment),
      full,
      maxAdvanceMs: this.maxAdvanceMs,
    });
    if (!outcome) return null;
    const durationMs = performance.now() - started;
    const finishedAt = new Date();
    this.environments.set(experiment.key, reportedEnvironments(experiment));
    this.statuses.set(experiment.key, {
      mode: outcome.mode,
      finishedAt: finishedAt.toISOString(),
      durationMs,
      rebuiltUnits: outcome.rebuiltUnits,
    });
    this.duration?.observe({ mode: outcome.mode }, durationMs / 1000);
    this.lag?.set(
      { experiment: experiment.key },
      (finishedAt.getTime() - outcome.watermark.getTime()) / 1000,
    );
    this.lastRefresh?.set({ experiment: experiment.key }, finishedAt.getTime() / 1000);
    return outcome;
  }

  /** Running and stopped experiments with their refresh state, least recently refreshed first. */
  private async candidates(): Promise<Candidate[]> {
    const rows = await this.db.execute<{
      key: string;
      watermark: number | null;
      refreshed: number | null;
    }>(sql`
      select e.key, extract(epoch from s.watermark)::float8 as watermark,
        extract(epoch from s.refreshed_at)::float8 as refreshed
      from experiments e left join results_state s on s.experiment_key = e.key
      where e.status in ('running', 'stopped')
      order by s.refreshed_at nulls first, e.key`);
    return rows.rows.map((r) => ({
      key: r.key,
      watermark: r.watermark === null ? null : new Date(Number(r.watermark) * 1000),
      refreshedAt: r.refreshed === null ? null : new Date(Number(r.refreshed) * 1000),
    }));
  }
}

interface Candidate {
  key: string;
  watermark: Date | null;
  refreshedAt: Date | null;
}

/**
 * Running experiments always; stopped ones until refreshed after the stop and until their
 * watermark passes the stop plus the clock skew plus the longest metric window (events
 * attributed to the last exposures can still arrive until then).
 */
function needsRefresh(def: ResultsDefinition, c: Candidate): boolean {
  const { experiment } = def;
  if (experiment.status === "running") return true;
  if (experiment.status !== "stopped" || !experiment.stoppedAt) return false;
  if (!c.watermark || !c.refreshedAt || c.refreshedAt <= experiment.stoppedAt) return true;
  const longest = Math.max(0, ...def.metrics.map((m) => m.windowHours)) * 3_600_000;
  return c.watermark.getTime() < experiment.stoppedAt.getTime() + CLOCK_SKEW_MS + longest;
}
