// Results benchmark (`npm run bench:results`): generates exposed units and events with SQL
// (generate_series) in a fresh PostgreSQL database, then times in the same run
//   - bare `select count(*)` scans of exposures and events (the baseline),
//   - the results of one experiment with three metrics: the worker's full rebuild of the
//     pre-aggregated unit rows from the raw tables (time, raw rows/s), the steady-state request
//     (the worker's per-day sums + statistics; requests never refresh), the request that sums
//     every unit row while the sums are due (after a cap change or an erasure), the worker's incremental refresh after a
//     fresh batch of 10,000 events, the first request after a "restart" (new pool, new worker),
//     and freshness under continuous ingestion (10k events/s, PostgreSQL only),
// and prints the ratios. The same at a tenth of the size on an in-memory PGlite.
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server; the
// benchmark creates and drops its own database. BENCH_UNITS / BENCH_EVENTS override sizes.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase } from "../server/src/db.js";
import { runResultsBench } from "./results-run.js";

const baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const UNITS = Number(process.env.BENCH_UNITS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);

async function main(): Promise<void> {
  const name = `bench_results_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  // Several connections: ingestion, the refresh worker and requests run side by side.
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  try {
    await runResultsBench(database.db, "PostgreSQL", UNITS, EVENTS, true, async () => {
      const again = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
      return { db: again.db, close: again.close };
    });
  } finally {
    await database.close();
    if (process.env.BENCH_KEEP) console.log(`  kept database ${name}`);
    else await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
  if (process.env.BENCH_SKIP_PGLITE) return;
  const lite = await openDatabase({});
  try {
    await runResultsBench(
      lite.db,
      "PGlite (in memory), a tenth of the size",
      Math.round(UNITS / 10),
      Math.round(EVENTS / 10),
      false,
    );
  } finally {
    await lite.close();
  }
}

await main();
