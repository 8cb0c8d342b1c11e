import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
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
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
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
    return {
      db: db as unknown as Db,
      kind: "postgres",
      close: async () => {
        if (closed) return;
        closed = true;
        await pool.end();
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
  };
}

/** Runs `select 1`; resolves when the database answers. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
