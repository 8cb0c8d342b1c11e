import { postgresErrorCode, storageErrorKind } from "../../errors.js";

/** An exposure row ready for insertion (JSON columns already serialized). */
export interface ExposureInsert {
  id: string;
  experimentKey: string;
  variantKey: string;
  unitId: string;
  /** ISO-8601 timestamp as validated. */
  ts: string;
  attributes: string | null;
  /** Environment of the SDK key that sent it. */
  environment: string;
}

/** A behavioral event row ready for insertion (JSON columns already serialized). */
export interface TrackInsert {
  id: string;
  name: string;
  unitId: string;
  ts: string;
  value: number | null;
  properties: string | null;
  /** Environment of the SDK key that sent it. */
  environment: string;
}

/** Rows of one request. */
export interface IngestRows {
  exposures: ExposureInsert[];
  tracks: TrackInsert[];
}

/** A row the database refused for its own values (found by splitting a failed transaction). */
export interface RowRejection {
  kind: "exposure" | "track";
  /** Index into the request's `rows.exposures` / `rows.tracks`. */
  position: number;
  /** SQLSTATE of the refusal, e.g. "22P05". */
  sqlstate: string;
}

/** Per-request outcome once its rows are committed. */
export interface WriteResult {
  accepted: number;
  duplicates: number;
  /** Of `accepted`/`duplicates`, how many were exposures. */
  acceptedExposures: number;
  duplicateExposures: number;
  /** Rows the database refused (data errors); the request's other rows are committed. */
  rejected: RowRejection[];
}

/**
 * Inserts rows in one transaction with `ON CONFLICT (unit_id, id) DO NOTHING` and returns the keys
 * ({@link rowKey}) of the rows actually inserted (`RETURNING unit_id, id`). Must not resolve before the commit.
 */
export type InsertRows = (rows: IngestRows) => Promise<InsertedKeys>;

/** The rows a transaction actually inserted, as {@link rowKey}s (already stored ones are left out). */
export interface InsertedKeys {
  exposureKeys: string[];
  eventKeys: string[];
}

/**
 * The idempotency key of a row: (unit id, event id). The primary keys of both tables are
 * `(unit_id, id)` (Citus needs the distribution column in every unique key), so the same id
 * sent for two units is two rows, and the same (unit, id) sent twice is one. NUL cannot occur
 * in a unit id (validation refuses it), so it separates the two parts unambiguously.
 */
export function rowKey(unitId: string, id: string): string {
  return `${unitId}\u0000${id}`;
}

/**
 * A failed transaction as the writer reports it: counts and SQLSTATE only, never the SQL, its
 * parameters or the database's message (which can quote event data).
 */
export class StoreError extends Error {
  constructor(
    readonly kind: "data" | "outage" | "other",
    readonly sqlstate: string | undefined,
    readonly rows: number,
  ) {
    super(`inserting ${rows} rows failed (${kind}, SQLSTATE ${sqlstate ?? "none: no database answer"})`);
    this.name = "StoreError";
  }
}

/** Options of {@link GroupCommitWriter}. */
export interface GroupCommitWriterOptions {
  insert: InsertRows;
  /** Transactions in flight at once (pooled connections; 1 for PGlite). */
  concurrency: number;
  /** A transaction takes whole requests until it holds at least this many rows. */
  maxRowsPerTransaction?: number;
  /** Called once per failed transaction, with counts and SQLSTATE only (safe to log). */
  onError?: (error: StoreError) => void;
}

interface Pending {
  rows: IngestRows;
  size: number;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/** One row of a group with the request that owns it and its position in that request. */
interface Item {
  owner: number;
  kind: "exposure" | "track";
  position: number;
  row: ExposureInsert | TrackInsert;
}

/**
 * Group commit: rows of concurrent requests are written together in one transaction, so
 * one WAL flush acknowledges many requests. Each request's promise resolves with its own
 * accepted/duplicate counts only after the transaction that holds its rows has committed.
 *
 * When a transaction fails because of the data (SQLSTATE class 22/23/54, see
 * `storageErrorKind`), the group is split in two (between requests first, then inside the
 * request) and each half is retried, so clean requests commit and only the refused rows are
 * reported in `rejected`. Any other failure rejects every request in the transaction with a
 * {@link StoreError} (nothing is acknowledged unless stored; retries are safe, ids dedupe).
 *
 * A row's idempotency key is (unit id, event id) per kind ({@link rowKey}): a repeated key
 * (inside one request, across requests of one transaction, or already stored) is counted as a
 * duplicate of the later request and is never a second row. The same id for two units, or as
 * an exposure and as a track event (two tables), is two rows, in one request or in two.
 *
 * @example
 * const writer = new GroupCommitWriter({ insert: (rows) => insertIngestRows(db, rows), concurrency: 4 });
 * const { accepted, duplicates } = await writer.write({ exposures: [], tracks: [row] });
 */
export class GroupCommitWriter {
  readonly #insert: InsertRows;
  readonly #concurrency: number;
  readonly #maxRows: number;
  readonly #onError: ((error: StoreError) => void) | undefined;
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: GroupCommitWriterOptions) {
    this.#insert = options.insert;
    this.#concurrency = Math.max(1, options.concurrency);
    this.#maxRows = options.maxRowsPerTransaction ?? 4000;
    this.#onError = options.onError;
  }

  /** Queues one request's rows; resolves after they are committed. */
  write(rows: IngestRows): Promise<WriteResult> {
    const size = rows.exposures.length + rows.tracks.length;
    if (size === 0) return Promise.resolve(emptyResult());
    return new Promise<WriteResult>((resolve, reject) => {
      this.#queue.push({ rows, size, resolve, reject });
      this.#pump();
    });
  }

  /** Requests waiting for or inside a transaction. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Resolves once every queued and in-flight batch has been committed or failed. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const group: Pending[] = [];
      let rows = 0;
      while (this.#queue.length > 0 && rows < this.#maxRows) {
        const next = this.#queue.shift()!;
        group.push(next);
        rows += next.size;
      }
      this.#inFlight++;
      void this.#flush(group).finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.#queue.length === 0 && this.#inFlight === 0) {
          const waiters = this.#idleWaiters;
          this.#idleWaiters = [];
          for (const w of waiters) w();
        }
      });
    }
  }

  async #flush(group: Pending[]): Promise<void> {
    // Drop repeated ids before the database sees them; remember who owns each kept row.
    const seenExposures = new Set<string>();
    const seenTracks = new Set<string>();
    const items: Item[] = [];
    const results: WriteResult[] = group.map(emptyResult);
    for (let g = 0; g < group.length; g++) {
      const { rows } = group[g]!;
      const result = results[g]!;
      rows.exposures.forEach((row, position) => {
        const key = rowKey(row.unitId, row.id);
        if (seenExposures.has(key)) {
          result.duplicates++;
          result.duplicateExposures++;
        } else {
          seenExposures.add(key);
          items.push({ owner: g, kind: "exposure", position, row });
        }
      });
      rows.tracks.forEach((row, position) => {
        const key = rowKey(row.unitId, row.id);
        if (seenTracks.has(key)) result.duplicates++;
        else {
          seenTracks.add(key);
          items.push({ owner: g, kind: "track", position, row });
        }
      });
    }
    const failed = new Map<number, StoreError>();
    await this.#commit(items, results, failed);
    for (let g = 0; g < group.length; g++) {
      const error = failed.get(g);
      if (error) group[g]!.reject(error);
      else group[g]!.resolve(results[g]!);
    }
  }

  /** Inserts `items` in one transaction; on a data error splits them and recurses. */
  async #commit(items: Item[], results: WriteResult[], failed: Map<number, StoreError>): Promise<void> {
    if (items.length === 0) return;
    const exposures: ExposureInsert[] = [];
    const tracks: TrackInsert[] = [];
    for (const item of items) {
      if (item.kind === "exposure") exposures.push(item.row as ExposureInsert);
      else tracks.push(item.row as TrackInsert);
    }
    let inserted: InsertedKeys;
    try {
      inserted = await this.#insert({ exposures, tracks });
    } catch (cause) {
      const error = new StoreError(storageErrorKind(cause), postgresErrorCode(cause), items.length);
      this.#onError?.(error);
      if (error.kind !== "data") {
        for (const item of items) if (!failed.has(item.owner)) failed.set(item.owner, error);
        return;
      }
      if (items.length === 1) {
        const { owner, kind, position } = items[0]!;
        results[owner]!.rejected.push({ kind, position, sqlstate: error.sqlstate ?? "" });
        return;
      }
      const at = splitPoint(items);
      await this.#commit(items.slice(0, at), results, failed);
      await this.#commit(items.slice(at), results, failed);
      return;
    }
    const insertedExposures = new Set(inserted.exposureKeys);
    const insertedTracks = new Set(inserted.eventKeys);
    for (const item of items) {
      const result = results[item.owner]!;
      const exposure = item.kind === "exposure";
      if ((exposure ? insertedExposures : insertedTracks).has(rowKey(item.row.unitId, item.row.id))) {
        result.accepted++;
        if (exposure) result.acceptedExposures++;
      } else {
        result.duplicates++;
        if (exposure) result.duplicateExposures++;
      }
    }
  }
}

/**
 * Where to split a failed group: at the request boundary nearest the middle when the items
 * belong to several requests (clean requests then commit together), else in the middle.
 */
function splitPoint(items: Item[]): number {
  const mid = items.length >> 1;
  let best = -1;
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.owner !== items[i - 1]!.owner && (best < 0 || Math.abs(i - mid) < Math.abs(best - mid))) {
      best = i;
    }
  }
  return best > 0 ? best : mid;
}

function emptyResult(): WriteResult {
  return { accepted: 0, duplicates: 0, acceptedExposures: 0, duplicateExposures: 0, rejected: [] };
}
