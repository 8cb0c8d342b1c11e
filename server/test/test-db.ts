import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { type Db, MIGRATIONS_FOLDER, openDatabase } from "../src/db.js";

/** An isolated, migrated database for one test file. */
export interface TestDb {
  db: Db;
  kind: "pglite" | "postgres";
  /** Closes the connection and, on PostgreSQL, drops the database. */
  cleanup: () => Promise<void>;
}

/**
 * Creates an isolated, migrated database: an in-memory PGlite by default, or, when
 * `DATABASE_URL` is set, a fresh PostgreSQL database with a random name that
 * `cleanup()` drops again.
 *
 * @example
 * let t: TestDb;
 * beforeAll(async () => { t = await createTestDb(); });
 * afterAll(() => t.cleanup());
 */
export async function createTestDb(): Promise<TestDb> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const { db, close } = await openDatabase({ pgliteSnapshot: await migratedSnapshot() });
    return { db, kind: "pglite", cleanup: close };
  }
  const name = `test_${Date.now().toString(36)}_${randomBytes(6).toString("hex")}`;
  await withAdminClient(baseUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  return {
    db: database.db,
    kind: "postgres",
    cleanup: async () => {
      await database.close();
      await withAdminClient(baseUrl, (client) =>
        client.query(`drop database if exists "${name}" with (force)`),
      );
    },
  };
}

/**
 * A PGlite data directory with every migration applied, cached in the OS temp folder under
 * a hash of `migrations/`, so each test file skips initdb and the migrations (~2-3 s each
 * on a busy 2-core machine). A changed migration changes the hash and builds a new one.
 */
async function migratedSnapshot(): Promise<Blob> {
  const hash = createHash("sha256");
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true }).map(String).sort()) {
    const full = path.join(MIGRATIONS_FOLDER, file);
    if (statSync(full).isFile()) hash.update(file).update(readFileSync(full));
  }
  const cached = path.join(tmpdir(), `abtest-pglite-${hash.digest("hex").slice(0, 16)}.tar`);
  if (existsSync(cached)) return new Blob([readFileSync(cached)]);
  const fresh = await openDatabase({});
  try {
    const blob = await fresh.snapshot!();
    const temp = `${cached}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temp, Buffer.from(await blob.arrayBuffer()));
    renameSync(temp, cached); // atomic: parallel workers never read a half-written file
    return blob;
  } finally {
    await fresh.close();
  }
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
