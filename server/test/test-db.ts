import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Db, openDatabase } from "../src/db.js";

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
    const { db, close } = await openDatabase({});
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

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
