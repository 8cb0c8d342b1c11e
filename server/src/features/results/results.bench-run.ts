// The body of `npm run bench:results` (bench/results.bench.ts), kept here so it resolves the
// server's dependencies (drizzle-orm). Not imported by the app.
import { sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import { experiments } from "../experiments/experiments.table.js";
import { metrics } from "../metrics/metrics.table.js";
import { ResultsRefresher } from "./results.refresher.js";
import { computeResults } from "./results.service.js";

const KEY = "bench-exp";

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

/** Loads units and events; on PostgreSQL indexes are dropped first and rebuilt after (as a bulk load would). */
async function load(db: Db, units: number, events: number, postgres: boolean): Promise<void> {
  const tables = sql`('exposures', 'events')`;
  let indexDefs: { name: string; def: string; table: string; pkey: boolean }[] = [];
  if (postgres) {
    const r = await db.execute<{ name: string; def: string; table: string }>(
      sql`select indexname as name, indexdef as def, tablename as "table" from pg_indexes where tablename in ${tables}`,
    );
    indexDefs = r.rows.map((x) => ({ ...x, pkey: x.name.endsWith("_pkey") }));
    for (const i of indexDefs) {
      if (i.pkey) await db.execute(sql.raw(`alter table ${i.table} drop constraint ${i.name}`));
      else await db.execute(sql.raw(`drop index ${i.name}`));
    }
    await db.execute(sql`set synchronous_commit = off`);
  }
  // Units: exposed over 14 days, 50/50 (hash), 2% exposed twice to the same variant, country among 30.
  await db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, received_at)
    select gen_random_uuid(), ${KEY}, case when hashint4(g) & 1 = 0 then 'control' else 'treatment' end, 'u' || g,
      timestamptz '2026-01-01' + (g % 1209600) * interval '1 second',
      jsonb_build_object('country', 'c' || (g % 30)), now() - interval '1 day'
    from generate_series(1, ${units}::int) g`);
  await db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, received_at)
    select gen_random_uuid(), ${KEY}, case when hashint4(g) & 1 = 0 then 'control' else 'treatment' end, 'u' || g,
      timestamptz '2026-01-01' + (g % 1209600) * interval '1 second' + interval '3 hours',
      jsonb_build_object('country', 'c' || (g % 30)), now() - interval '1 day'
    from generate_series(1, ${units}::int, 50) g`);
  // Events: random units; from 2 days before to 12 days after the unit's exposure; three names.
  const chunk = 2_000_000;
  for (let from = 1; from <= events; from += chunk) {
    const to = Math.min(events, from + chunk - 1);
    await db.execute(sql`insert into events (id, name, unit_id, ts, value, received_at)
      select gen_random_uuid(), (array['purchase', 'click', 'view'])[1 + g % 3], 'u' || uid,
        timestamptz '2026-01-01' + (uid % 1209600) * interval '1 second' + ((hashint4(g) % 1209600) - 172800) * interval '1 second',
        case when g % 3 = 0 then (abs(hashint4(g + 7)) % 20000) / 100.0 else null end, now() - interval '1 day'
      from (select g, 1 + abs(hashint4(g)) % ${units}::int as uid from generate_series(${from}::int, ${to}::int) g) s`);
  }
  if (postgres) {
    await db.execute(sql`set maintenance_work_mem = '512MB'`);
    for (const i of indexDefs) {
      if (i.pkey)
        await db.execute(sql.raw(`alter table ${i.table} add constraint ${i.name} primary key (id)`));
      else await db.execute(sql.raw(i.def));
    }
    await db.execute(sql`vacuum analyze exposures`);
    await db.execute(sql`vacuum analyze events`);
  }
}

async function defineExperiment(db: Db): Promise<void> {
  await db.insert(metrics).values([
    { key: "converted", name: "Converted", eventName: "purchase", type: "binomial", windowHours: 72 },
    { key: "revenue", name: "Revenue", eventName: "purchase", type: "sum", windowHours: 168, cap: 150 },
    { key: "clicks", name: "Clicks", eventName: "click", type: "count", windowHours: 24 },
  ]);
  await db.insert(experiments).values({
    key: KEY,
    name: "Bench",
    seed: KEY,
    status: "running",
    variants: [
      { key: "control", name: "Control", weight: 0.5 },
      { key: "treatment", name: "Treatment", weight: 0.5 },
    ],
    primaryMetrics: ["converted"],
    guardrailMetrics: ["revenue", "clicks"],
    analysis: { alpha: 0.05, sequential: true, correction: "holm" },
    startedAt: new Date("2026-01-01T00:00:00Z"),
  });
}

/** Generates the data in `db` and prints the timings and ratios. */
export async function runResultsBench(
  db: Db,
  label: string,
  units: number,
  events: number,
  postgres: boolean,
): Promise<void> {
  console.log(`\n${label}: ${units.toLocaleString("en")} units, ${events.toLocaleString("en")} events`);
  const gen = await time(() => load(db, units, events, postgres));
  console.log(
    `  data generation (SQL generate_series${postgres ? ", indexes rebuilt after" : ""}): ${fmt(gen.ms)}`,
  );
  await defineExperiment(db);
  const refresher = new ResultsRefresher({ db });
  const deps = { db, refresher };
  const countExposures = await median(3, () => db.execute(sql`select count(*) from exposures`));
  const countEvents = await median(3, () => db.execute(sql`select count(*) from events`));
  const scans = countExposures + countEvents;
  console.log(
    `  bare scans: count(*) exposures ${fmt(countExposures)} + events ${fmt(countEvents)} = ${fmt(scans)} (median of 3)`,
  );
  const full = await time(() => refresher.refresh(KEY, { full: true }));
  const rows = units + units / 50 + events;
  console.log(
    `  full rebuild of the unit rows (background worker): ${fmt(full.ms)}  (${(full.ms / scans).toFixed(1)}x the scans; ` +
      `${Math.round(rows / (full.ms / 1000)).toLocaleString("en")} raw rows/s, ${full.value?.rebuiltUnits.toLocaleString("en")} units)`,
  );
  const warm = await median(5, () => computeResults(deps, KEY, { refresh: "incremental", mde: 0.05 }));
  console.log(
    `  results request, steady state (read + statistics, no refresh): ${fmt(warm)}  (${(warm / scans).toFixed(2)}x the scans; goal <= 1.5x)`,
  );
  const idle = await median(3, () => refresher.refresh(KEY));
  console.log(`  worker refresh with nothing new: ${fmt(idle)}`);
  // A fresh batch: 10,000 events of existing units.
  await db.execute(sql`insert into events (id, name, unit_id, ts, value)
    select gen_random_uuid(), 'purchase', 'u' || (1 + abs(hashint4(g + 99)) % ${units}::int), timestamptz '2026-01-15', 20
    from generate_series(1, 10000) g`);
  const incrRefresh = await time(() => refresher.refresh(KEY));
  const incr = await time(() => computeResults(deps, KEY, { refresh: "incremental", mde: 0.05 }));
  console.log(
    `  worker refresh after 10,000 new events (incremental): ${fmt(incrRefresh.ms)}; the request after it ${fmt(incr.ms)}`,
  );
  const breakdown = await time(() =>
    computeResults(deps, KEY, { refresh: "incremental", mde: 0.05, dimension: "country" }),
  );
  console.log(`  results with ?dimension=country (30 values, folded to 20 + other): ${fmt(breakdown.ms)}`);
  const r = incr.value;
  console.log(
    `  check: units ${r.units.map((u) => `${u.variant}=${u.units}`).join(" ")}, decision ${r.decision.recommendation}, ` +
      `converted ${r.metrics[0]?.variants.map((v) => v.mean?.toFixed(4)).join(" vs ")}`,
  );
}
