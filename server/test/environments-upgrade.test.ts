/**
 * Upgrade to environments (migration 0002) on a database with data: migrated only up to 0001,
 * filled as the previous version left it (a running experiment, an SDK key of a custom
 * environment, exposures, events, and the per-unit results rows and refresh state its refresher
 * had built), then upgraded with every migration and served over HTTP. Nothing may change:
 * the experiment is enabled in every environment (so the custom key still receives it), the old
 * traffic is production's and production's report counts what it counted before, without a
 * rebuild. PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { SdkConfig } from "@splitlab/sdk/types";
import { sql } from "drizzle-orm";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppInstance, createApp } from "../src/app.js";
import { type Database, MIGRATIONS_FOLDER, openDatabase } from "../src/db.js";
import { hashToken } from "../src/features/keys/keys.tokens.js";
import { boundsOf } from "../src/features/results/results.definition.js";
import { fingerprintOf } from "../src/features/results/results.repo.js";

const ADMIN = "upgrade-test-admin-token-0123456789";
const SDK_TOKEN = `sdk_${randomBytes(16).toString("base64url")}`;
const startedAt = new Date(Date.now() - 2 * 3_600_000);
const exposedAt = new Date(Date.now() - 3_600_000);

let database: Database;
let dropDatabase: () => Promise<void> = async () => {};
let instance: AppInstance;
let server: Server;
let url: string;
let folder: string;

/** A copy of migrations/ whose journal stops at `lastIdx` (drizzle's migrator reads only the journal and the SQL). */
function migrationsUpTo(lastIdx: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "splitlab-migrations-"));
  mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  journal.entries = journal.entries.filter((e) => e.idx <= lastIdx);
  for (const e of journal.entries) {
    copyFileSync(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  }
  writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
  return dir;
}

async function migrateTo(migrationsFolder: string): Promise<void> {
  // The handle is the driver's drizzle instance (db.ts casts it to the shared Db type).
  if (database.kind === "postgres") await migrateNodePg(database.db as never, { migrationsFolder });
  else await migratePglite(database.db as never, { migrationsFolder });
}

async function open(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    database = await openDatabase({ migrate: false });
    return;
  }
  const name = `test_upgrade_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${name}`;
  database = await openDatabase({ databaseUrl: dbUrl.toString(), migrate: false, poolSize: 4 });
  dropDatabase = () => admin(`drop database if exists "${name}" with (force)`);
}

/** What the previous version stored (its schema: no environment anywhere). */
async function fillAsPreviousVersion(): Promise<void> {
  const db = database.db;
  await db.execute(sql`insert into metrics (key, name, event_name, type, window_hours)
    values ('orders', 'Orders', 'purchase', 'sum', 24)`);
  await db.execute(sql`insert into api_keys (id, kind, name, environment, token_hash, prefix)
    values ('qa-key', 'sdk', 'qa site', 'qa', ${hashToken(SDK_TOKEN)}, ${SDK_TOKEN.slice(0, 10)})`);
  await db.execute(sql`insert into experiments (key, name, status, seed, variants, primary_metrics, analysis, started_at)
    values ('legacy', 'Legacy', 'running', 'legacy',
      ${JSON.stringify([
        { key: "control", name: "control", weight: 0.5 },
        { key: "treatment", name: "treatment", weight: 0.5 },
      ])}::jsonb, '["orders"]'::jsonb, ${JSON.stringify({ alpha: 0.05, sequential: false, correction: "holm" })}::jsonb,
      ${startedAt.toISOString()}::timestamptz)`);
  // u1..u6 alternate control/treatment; u1..u4 buy 10, 20, 30, 40 a minute after exposure.
  for (let i = 1; i <= 6; i++) {
    await db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts)
      values (${randomUUID()}, 'legacy', ${i % 2 ? "control" : "treatment"}, ${`u${i}`}, ${exposedAt.toISOString()}::timestamptz)`);
    if (i <= 4) {
      await db.execute(sql`insert into events (id, name, unit_id, ts, value)
        values (${randomUUID()}, 'purchase', ${`u${i}`}, ${new Date(exposedAt.getTime() + 60_000).toISOString()}::timestamptz, ${i * 10})`);
    }
  }
  // The previous refresher's per-unit rows (one metric: n, s, k) and its state.
  await db.execute(sql`insert into results_units (experiment_key, unit_id, variant_key, multi, first_ts, first_day, attributes, n, s, k)
    select 'legacy', x.unit_id, min(x.variant_key), false, min(x.ts), floor(extract(epoch from min(x.ts)) / 86400)::int, null,
      array[count(e.ts)]::float8[], array[coalesce(sum(e.value), 0)]::float8[], array[count(e.value)]::float8[]
    from exposures x left join events e on e.unit_id = x.unit_id group by x.unit_id`);
  const fingerprint = fingerprintOf({
    variants: ["control", "treatment"],
    metrics: [
      {
        key: "orders",
        eventName: "purchase",
        type: "sum",
        windowHours: 24,
        cap: null,
        cupedLookbackDays: 14,
      },
    ],
    bounds: boundsOf({ startedAt, stoppedAt: null }),
  });
  await db.execute(sql`insert into results_state (experiment_key, fingerprint, watermark, unknown_variant_exposures)
    values ('legacy', ${fingerprint}, now(), 0)`);
}

async function get<T = { [k: string]: unknown }>(
  p: string,
  token = ADMIN,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url + p, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

interface Report {
  environment: string;
  units: { variant: string; units: number }[];
  metrics: { variants: { variant: string; units: number; sum: number }[] }[];
  freshness: { state: string; stale: boolean };
}
const sums = (r: Report) =>
  Object.fromEntries(r.metrics[0]!.variants.map((v) => [v.variant, [v.units, v.sum]]));

beforeAll(async () => {
  await open();
  folder = migrationsUpTo(1);
  await migrateTo(folder);
  await fillAsPreviousVersion();
  await migrateTo(MIGRATIONS_FOLDER);
  instance = createApp({ db: database.db, adminToken: ADMIN, clientDist: null, checkContract: true });
  server = await new Promise<Server>((resolve) => {
    const s = instance.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await instance?.drain();
  await database?.close();
  await dropDatabase();
  if (folder) rmSync(folder, { recursive: true, force: true });
  expect(instance?.contractViolations ?? []).toEqual([]);
});

describe("upgrading a database with data to environments", () => {
  it("keeps the experiment in every environment, so the existing SDK key still receives it", async () => {
    const experiment = await get<{ environments: string[]; status: string }>("/api/v1/experiments/legacy");
    expect(experiment.status).toBe(200);
    expect(experiment.body).toMatchObject({
      status: "running",
      environments: ["production", "qa", "staging"],
    });
    const config = await get<SdkConfig>("/api/v1/sdk/config", SDK_TOKEN);
    expect(config.body.experiments.map((e) => e.key)).toEqual(["legacy"]);
  });

  it("reports the old traffic as production's, unchanged, before and after a refresh or rebuild", async () => {
    // Before the worker runs: the rows the previous version built, now production's.
    const before = await get<Report>("/api/v1/experiments/legacy/results");
    expect(before.status).toBe(200);
    expect(before.body.environment).toBe("production");
    expect(before.body.freshness).toMatchObject({ state: "ready", stale: false });
    expect(before.body.units).toEqual([
      { variant: "control", units: 3 },
      { variant: "treatment", units: 3 },
    ]);
    // u1 + u3 + u5 = 10 + 30 + 0; u2 + u4 + u6 = 20 + 40 + 0.
    expect(sums(before.body)).toEqual({ control: [3, 40], treatment: [3, 60] });
    // The definition did not change, so the next refresh is incremental (no rebuild on upgrade).
    expect((await instance.refresher.refresh("legacy"))?.mode).toBe("incremental");
    expect(sums((await get<Report>("/api/v1/experiments/legacy/results")).body)).toEqual(sums(before.body));
    expect((await instance.refresher.refresh("legacy", { full: true }))?.mode).toBe("full");
    const rebuilt = (await get<Report>("/api/v1/experiments/legacy/results")).body;
    expect(rebuilt.units).toEqual(before.body.units);
    expect(sums(rebuilt)).toEqual(sums(before.body));
    const staging = (await get<Report>("/api/v1/experiments/legacy/results?environment=staging")).body;
    expect(staging.units).toEqual([
      { variant: "control", units: 0 },
      { variant: "treatment", units: 0 },
    ]);
  });
});
