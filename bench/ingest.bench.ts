/**
 * Ingestion benchmark (`npm run bench:ingest`): POST /api/v1/events over loopback HTTP into
 * PostgreSQL, acknowledged after commit (synchronous_commit stays on), against COPY of the
 * same rows into empty copies of the tables in the same run; then a smaller PGlite figure.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a fresh database is
 * created next to it and dropped), BENCH_EVENTS (default 1,000,000), BENCH_PGLITE_EVENTS
 * (default 100,000), BENCH_CONCURRENCY (default 48 requests in flight).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createApp } from "../server/src/app.js";
import { type Database, openDatabase } from "../server/src/db.js";
import { events, exposures } from "../server/src/features/events/events.table.js";
import { experiments } from "../server/src/features/experiments/experiments.table.js";
import type { PostTotals } from "./ingest-client.js";
import { BENCH_EXPERIMENT, type BenchTraffic, generateTraffic } from "./ingest-data.js";

const BATCH = 500;
const baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const totalEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const pgliteEvents = Number(process.env.BENCH_PGLITE_EVENTS ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 48);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Starts the server on loopback port 0 over `database`; returns its URL, SDK key and stop(). */
async function startServer(database: Database) {
  await database.db.insert(experiments).values({
    key: BENCH_EXPERIMENT,
    name: "Bench checkout",
    seed: BENCH_EXPERIMENT,
    status: "running",
    variants: [
      { key: "control", name: "Control", weight: 0.5 },
      { key: "treatment", name: "Treatment", weight: 0.5 },
    ],
    analysis: { alpha: 0.05, sequential: false, correction: "none" },
  });
  const adminToken = `adm_${randomUUID()}`;
  const app = createApp({ db: database.db, adminToken, clientDist: null });
  const server = app.app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "sdk", name: "bench", environment: "bench" }),
  });
  const { token: sdkKey } = (await res.json()) as { token: string };
  return {
    url,
    sdkKey,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await app.drain();
    },
  };
}

/** Posts the bodies from a worker thread (the SDK clients), so the server keeps its own thread. */
function postFromWorker(url: string, sdkKey: string, traffic: BenchTraffic): Promise<PostTotals> {
  // A .ts worker entry is not hooked by tsx on Node 20: register tsx inside the worker first.
  const entry = new URL("./ingest-worker.ts", import.meta.url).href;
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { baseUrl: url, sdkKey, bodies: traffic.bodies, concurrency },
  });
  return new Promise((resolve, reject) => {
    worker.once("message", (totals: PostTotals) => {
      void worker.terminate();
      resolve(totals);
    });
    worker.once("error", reject);
  });
}

async function countRows(database: Database): Promise<number> {
  return (await database.db.$count(events)) + (await database.db.$count(exposures));
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

async function benchPostgres(): Promise<void> {
  const name = `bench_ingest_${process.pid}`;
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  try {
    const traffic = generateTraffic({ requests: totalEvents / BATCH, batchSize: BATCH });
    const server = await startServer(database);
    await query(url.toString(), "checkpoint");
    const http = await postFromWorker(server.url, server.sdkKey, traffic);
    await server.stop();
    const stored = await countRows(database);
    if (http.accepted !== traffic.events || stored !== traffic.events) {
      throw new Error(`expected ${traffic.events} acknowledged and stored, got ${http.accepted} / ${stored}`);
    }
    const httpRate = traffic.events / http.seconds;

    // Baseline: COPY the same rows into empty copies of both tables (same indexes).
    await query(url.toString(), "create table events_copy (like events including all)");
    await query(url.toString(), "create table exposures_copy (like exposures including all)");
    await query(url.toString(), "checkpoint");
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const started = performance.now();
    await pipeline(
      Readable.from(traffic.exposureCopy),
      client.query(
        copyFrom("copy exposures_copy (id, experiment_key, variant_key, unit_id, ts, attributes) from stdin"),
      ),
    );
    await pipeline(
      Readable.from(traffic.eventCopy),
      client.query(copyFrom("copy events_copy (id, name, unit_id, ts, value, properties) from stdin")),
    );
    const copySeconds = (performance.now() - started) / 1000;
    await client.end();
    const copied = Number(
      (
        await query(
          url.toString(),
          "select (select count(*) from events_copy) + (select count(*) from exposures_copy) as n",
        )
      ).rows[0].n,
    );
    if (copied !== traffic.events) throw new Error(`COPY stored ${copied} rows`);
    const copyRate = traffic.events / copySeconds;

    console.log(
      `PostgreSQL, ${fmt(traffic.events)} events, batches of ${BATCH}, ${concurrency} requests in flight`,
    );
    console.log(`  HTTP ingest (ack after commit): ${fmt(httpRate)} events/s (${http.seconds.toFixed(2)} s)`);
    console.log(`  COPY baseline:                  ${fmt(copyRate)} rows/s (${copySeconds.toFixed(2)} s)`);
    console.log(
      `  ratio HTTP / COPY:              ${((httpRate / copyRate) * 100).toFixed(1)} %  (goal >= 25 %)`,
    );
    console.log(`  goal >= 50,000 events/s:        ${httpRate >= 50_000 ? "met" : "NOT met"}`);
  } finally {
    await database.close();
    await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
  }
}

async function benchPglite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-pglite-"));
  const database = await openDatabase({ dataDir: dir });
  try {
    const traffic = generateTraffic({ requests: pgliteEvents / BATCH, batchSize: BATCH });
    const server = await startServer(database);
    const http = await postFromWorker(server.url, server.sdkKey, traffic);
    await server.stop();
    const stored = await countRows(database);
    if (http.accepted !== traffic.events || stored !== traffic.events) {
      throw new Error(`PGlite: expected ${traffic.events}, got ${http.accepted} / ${stored}`);
    }
    console.log(`PGlite (embedded, data dir), ${fmt(traffic.events)} events`);
    console.log(`  HTTP ingest (ack after commit): ${fmt(traffic.events / http.seconds)} events/s`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await benchPostgres();
await benchPglite();
