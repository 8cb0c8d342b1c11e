import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";

/** drizzle's SQL tag, for code outside the server package (benchmarks) that has no drizzle-orm of its own. */
export { sql };

import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";

/**
 * Result shape of `db.execute()` common to both drivers: node-postgres `QueryResult`
 * and PGlite `Results` both carry `rows`. Only `rows` is promised.
 */
export interface DbQueryResultHKT extends PgQueryResultHKT {
  type: DbQueryResult<this["row"] extends Record<string, unknown> ? this["row"] : Record<string, unknown>>;
}

/** What `db.execute()` resolves to on either driver. */
export interface DbQueryResult<Row> {
  rows: Row[];
}

/** The drizzle database handle used by every repo: identical type on PGlite and PostgreSQL. */
export type Db = PgDatabase<DbQueryResultHKT>;

/** An open database plus what the operator needs around it. */
export interface Database {
  db: Db;
  /** "pglite" (embedded) or "postgres" (DATABASE_URL). */
  kind: "pglite" | "postgres";
  /** Closes the pool / the embedded instance. Safe to call twice. */
  close: () => Promise<void>;
  /** PGlite only: a tarball of the data directory, loadable through `pgliteSnapshot`. */
  snapshot?: () => Promise<Blob>;
  /**
   * Subscribes to `NOTIFY channel` (PostgreSQL: a dedicated connection, re-opened after a loss;
   * PGlite: in process). `onReset` is called whenever notifications may have been missed (the
   * listening connection was lost) and again once it listens again; `listening()` tells whether
   * notifications are being received right now.
   */
  listen: (channel: string, handlers: ListenHandlers) => Promise<Listener>;
}

/** Callbacks of {@link Database.listen}. */
export interface ListenHandlers {
  onNotify: (payload: string) => void;
  /** Notifications may have been missed: forget whatever they keep fresh. */
  onReset?: () => void;
}

/** A subscription made by {@link Database.listen}. */
export interface Listener {
  /** True while notifications are received (false between a lost connection and its reconnect). */
  listening: () => boolean;
  close: () => Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set, PGlite is not used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory (created if missing). Absent: an in-memory PGlite. */
  dataDir?: string | undefined;
  /** Max pool size for PostgreSQL (default 10). */
  poolSize?: number;
  /** Apply migrations from `migrations/` (default true). */
  migrate?: boolean;
  /** PGlite only: start from this `dumpDataDir()` tarball instead of an empty cluster (tests). */
  pgliteSnapshot?: Blob | undefined;
  /**
   * PostgreSQL only: how long opening a connection, or waiting for a free pooled one, may take
   * before the query fails (default 2000 ms).
   */
  connectTimeoutMs?: number;
  /**
   * PostgreSQL only: `statement_timeout` of every session (server side), and, 2 s later, the
   * client-side read timeout that also ends a query on a stalled network (default 30000 ms).
   */
  statementTimeoutMs?: number;
}

/** Folder holding the drizzle-kit generated SQL migrations (repository root `migrations/`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Opens PostgreSQL (when `databaseUrl` is given) or an embedded PGlite in `dataDir`,
 * then applies the drizzle-kit migrations. Both return the same {@link Db} type.
 *
 * @example
 * const { db, close } = await openDatabase({ dataDir: "./data" });
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const runMigrations = options.migrate ?? true;
  if (options.databaseUrl) {
    const statementTimeout = options.statementTimeoutMs ?? 120_000;
    const poolConfig = {
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 2000,
      keepAlive: true,
      ...(statementTimeout > 0
        ? { statement_timeout: statementTimeout, query_timeout: statementTimeout + 2000 }
        : {}),
    };
    const pool = new pg.Pool(poolConfig);
    // An idle client losing its connection must not crash the process.
    pool.on("error", () => {});
    const db = drizzleNodePg(pool);
    let closed = false;
    try {
      if (runMigrations) await migrateNodePg(db, { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (error) {
      await pool.end();
      throw error;
    }
    const listeners = new Set<Listener>();
    return {
      db: db as unknown as Db,
      kind: "postgres",
      close: async () => {
        if (closed) return;
        closed = true;
        await Promise.all([...listeners].map((l) => l.close()));
        await pool.end();
      },
      listen: async (channel, handlers) => {
        const listener = await listenPostgres(
          {
            connectionString: options.databaseUrl!,
            connectionTimeoutMillis: poolConfig.connectionTimeoutMillis,
          },
          channel,
          handlers,
        );
        listeners.add(listener);
        return {
          listening: listener.listening,
          close: async () => {
            listeners.delete(listener);
            await listener.close();
          },
        };
      },
    };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const loadDataDir = options.pgliteSnapshot;
  const client = options.dataDir
    ? new PGlite(options.dataDir, loadDataDir ? { loadDataDir } : {})
    : new PGlite(loadDataDir ? { loadDataDir } : {});
  await client.waitReady;
  const db = drizzlePglite(client);
  try {
    if (runMigrations) await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close();
    throw error;
  }
  return {
    db: db as unknown as Db,
    kind: "pglite",
    close: async () => {
      if (!client.closed) await client.close();
    },
    snapshot: () => client.dumpDataDir("none"),
    listen: async (channel, handlers) => {
      const unsubscribe = await client.listen(channel, handlers.onNotify);
      let open = true;
      return {
        listening: () => open && !client.closed,
        close: async () => {
          if (!open) return;
          open = false;
          if (!client.closed) await unsubscribe();
        },
      };
    },
  };
}

/** Quotes a channel name as an SQL identifier. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * LISTEN on a dedicated connection (outside the pool, so it never holds a pooled slot).
 * A lost connection calls `onReset` and is re-opened with backoff (0.5 s to 5 s); once it
 * listens again `onReset` is called once more, so caches drop what they learned meanwhile.
 */
async function listenPostgres(
  config: pg.ClientConfig,
  channel: string,
  handlers: ListenHandlers,
): Promise<Listener> {
  let client: pg.Client | undefined;
  let ready = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let backoff = 500;

  const connect = async (): Promise<void> => {
    const c = new pg.Client(config);
    c.on("error", () => lost(c));
    c.on("end", () => lost(c));
    c.on("notification", (n) => {
      if (n.channel === channel) handlers.onNotify(n.payload ?? "");
    });
    await c.connect();
    await c.query(`listen ${quoteIdent(channel)}`);
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    ready = true;
    backoff = 500;
    handlers.onReset?.();
  };
  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    ready = false;
    handlers.onReset?.();
    c.end().catch(() => {});
    schedule();
  };
  const schedule = () => {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect().catch(() => {
        backoff = Math.min(backoff * 2, 5000);
        schedule();
      });
    }, backoff);
    retryTimer.unref();
  };

  try {
    await connect();
  } catch {
    schedule(); // start without notifications; callers see listening() === false meanwhile
  }
  return {
    listening: () => ready,
    close: async () => {
      closed = true;
      ready = false;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => {});
    },
  };
}

/** Runs `select 1`; resolves when the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}

/** Thrown by {@link checkDatabaseHealth} and {@link withDeadline} when the database is too slow. */
export class DatabaseTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = "DatabaseTimeoutError";
  }
}

/** Rejects with {@link DatabaseTimeoutError} when `promise` takes longer than `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what = "database"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Health check of what ingestion needs, answered within `timeoutMs`: in a transaction that
 * writes nothing, takes the lock an insert takes on `exposures` and `events` (ROW EXCLUSIVE,
 * waiting at most `lock_timeout`) and reads `api_keys`. Rejects when the database is
 * unreachable, stalled, or those tables are locked against writers.
 */
export async function checkDatabaseHealth(db: Db, timeoutMs: number): Promise<void> {
  const lockMs = Math.max(1, Math.floor(timeoutMs * 0.75));
  const probe = db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local lock_timeout = ${lockMs}`));
    await tx.execute(sql`lock table exposures, events in row exclusive mode`);
    await tx.execute(sql`select 1 from api_keys limit 1`);
  });
  await withDeadline(probe, timeoutMs, "health check");
}

const UNAVAILABLE_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);
const UNAVAILABLE_MESSAGES = [
  "timeout exceeded when trying to connect",
  "query read timeout",
  "connection terminated",
  "connection error",
  "cannot use a pool after calling end",
  "client was closed",
  "pglite is closed",
  "not queryable",
];

/**
 * True when `error` (or its `cause` / AggregateError members) means the database is
 * unreachable or too slow right now, not that the request is wrong: connection refused or
 * reset, connect/read timeouts, {@link DatabaseTimeoutError}, and the SQLSTATEs of
 * connection failures (class 08), shutdowns (57P01-57P03), too many connections (53300),
 * statement timeouts (57014) and lock timeouts (55P03). Such errors answer 503 + Retry-After.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  if (error instanceof DatabaseTimeoutError) return true;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string") {
    if (UNAVAILABLE_ERRNO.has(e.code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
    if (["57P01", "57P02", "57P03", "53300", "57014", "55P03"].includes(e.code)) return true;
  }
  // drizzle's query errors quote the SQL and its parameters: only their cause is looked at.
  if (typeof e.message === "string" && (error as Error).name !== "DrizzleQueryError") {
    const m = e.message.toLowerCase();
    if (UNAVAILABLE_MESSAGES.some((text) => m.includes(text))) return true;
  }
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
