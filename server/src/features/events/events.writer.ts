/** An exposure row ready for insertion (JSON columns already serialized). */
export interface ExposureInsert {
  id: string;
  experimentKey: string;
  variantKey: string;
  unitId: string;
  /** ISO-8601 timestamp as validated. */
  ts: string;
  attributes: string | null;
}

/** A behavioral event row ready for insertion (JSON columns already serialized). */
export interface TrackInsert {
  id: string;
  name: string;
  unitId: string;
  ts: string;
  value: number | null;
  properties: string | null;
}

/** Rows of one request. */
export interface IngestRows {
  exposures: ExposureInsert[];
  tracks: TrackInsert[];
}

/** Per-request outcome once its rows are committed. */
export interface WriteResult {
  accepted: number;
  duplicates: number;
  /** Of `accepted`/`duplicates`, how many were exposures. */
  acceptedExposures: number;
  duplicateExposures: number;
}

/**
 * Inserts rows in one transaction with `ON CONFLICT (id) DO NOTHING` and returns the ids
 * that were actually inserted (`RETURNING id`). Must not resolve before the commit.
 */
export type InsertRows = (rows: IngestRows) => Promise<{ exposureIds: string[]; eventIds: string[] }>;

/** Options of {@link GroupCommitWriter}. */
export interface GroupCommitWriterOptions {
  insert: InsertRows;
  /** Transactions in flight at once (pooled connections; 1 for PGlite). */
  concurrency: number;
  /** A transaction takes whole requests until it holds at least this many rows. */
  maxRowsPerTransaction?: number;
}

interface Pending {
  rows: IngestRows;
  size: number;
  resolve: (result: WriteResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: rows of concurrent requests are written together in one transaction, so
 * one WAL flush acknowledges many requests. Each request's promise resolves with its own
 * accepted/duplicate counts only after the transaction that holds its rows has committed,
 * and rejects when that transaction fails (nothing is acknowledged unless stored).
 *
 * A repeated id (inside one request, across requests of one transaction, or already
 * stored) is counted as a duplicate of the later request and is never a second row.
 *
 * @example
 * const writer = new GroupCommitWriter({ insert: (rows) => insertIngestRows(db, rows), concurrency: 4 });
 * const { accepted, duplicates } = await writer.write({ exposures: [], tracks: [row] });
 */
export class GroupCommitWriter {
  readonly #insert: InsertRows;
  readonly #concurrency: number;
  readonly #maxRows: number;
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(options: GroupCommitWriterOptions) {
    this.#insert = options.insert;
    this.#concurrency = Math.max(1, options.concurrency);
    this.#maxRows = options.maxRowsPerTransaction ?? 4000;
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
    const seen = new Set<string>();
    const exposures: ExposureInsert[] = [];
    const tracks: TrackInsert[] = [];
    const exposureOwner: number[] = [];
    const trackOwner: number[] = [];
    const results: WriteResult[] = group.map(emptyResult);
    for (let g = 0; g < group.length; g++) {
      const { rows } = group[g]!;
      const result = results[g]!;
      for (const row of rows.exposures) {
        if (seen.has(row.id)) {
          result.duplicates++;
          result.duplicateExposures++;
        } else {
          seen.add(row.id);
          exposures.push(row);
          exposureOwner.push(g);
        }
      }
      for (const row of rows.tracks) {
        if (seen.has(row.id)) result.duplicates++;
        else {
          seen.add(row.id);
          tracks.push(row);
          trackOwner.push(g);
        }
      }
    }
    let inserted: { exposureIds: string[]; eventIds: string[] };
    try {
      inserted = await this.#insert({ exposures, tracks });
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    attribute(exposures, exposureOwner, inserted.exposureIds, results, true);
    attribute(tracks, trackOwner, inserted.eventIds, results, false);
    for (let g = 0; g < group.length; g++) group[g]!.resolve(results[g]!);
  }
}

function emptyResult(): WriteResult {
  return { accepted: 0, duplicates: 0, acceptedExposures: 0, duplicateExposures: 0 };
}

function attribute(
  rows: { id: string }[],
  owner: number[],
  insertedIds: string[],
  results: WriteResult[],
  exposures: boolean,
): void {
  const inserted = insertedIds.length === rows.length ? null : new Set(insertedIds);
  for (let i = 0; i < rows.length; i++) {
    const result = results[owner[i]!]!;
    if (!inserted || inserted.has(rows[i]!.id)) {
      result.accepted++;
      if (exposures) result.acceptedExposures++;
    } else {
      result.duplicates++;
      if (exposures) result.duplicateExposures++;
    }
  }
}
