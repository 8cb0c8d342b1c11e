// The body of `npm run bench:results` (bench/results.bench.ts).
import { type Db, sql } from "../server/src/db.js";
import { experiments } from "../server/src/features/experiments/experiments.table.js";
import { metrics } from "../server/src/features/metrics/metrics.table.js";
import { ResultsRefresher } from "../server/src/features/results/results.refresher.js";
import { computeResults } from "../server/src/features/results/results.service.js";

const KEY = "bench-exp";

const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);

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

/**
 * Freshness under continuous ingestion: `rate` thousand events/s are inserted (1,000 per
 * statement, each statement committed = acknowledged) while the worker runs with its default
 * tick; once a second a probe event is inserted for one unit and the time from its commit until
 * a results request counts it is recorded (requests run back to back, so the figure includes one
 * request's duration).
 */
async function freshness(
  db: Db,
  deps: { db: Db; refresher: ResultsRefresher },
  rate: number,
  units: number,
): Promise<void> {
  const seconds = Number(process.env.BENCH_FRESHNESS_SECONDS ?? 20);
  const clicks = async () => {
    const r = await computeResults(deps, KEY, {
      refresh: "incremental",
      environment: "production",
      mde: 0.05,
    });
    const m = r.metrics.find((x) => x.metric === "clicks");
    return (m?.variants ?? []).reduce((a, v) => a + v.sum, 0);
  };
  await deps.refresher.refresh(KEY);
  // The looks (and CUPED) are recomputed every 10 minutes beside the refreshes; computed here
  // first so that the figure is the steady state between two such computations.
  const looks = await time(() => deps.refresher.computeLooks(KEY));
  console.log(`  worker: sequential looks + CUPED (raw events scan, every 10 min): ${fmt(looks.ms)}`);
  const baseline = await clicks();
  deps.refresher.start();
  const probes: number[] = [];
  const lags: number[] = [];
  let stop = false;
  const load = (async () => {
    let batches = 0;
    const started = performance.now();
    while (!stop) {
      await db.execute(sql`insert into events (id, name, unit_id, ts, value)
        select gen_random_uuid(), 'purchase', 'u' || (1 + abs(hashint4(g)) % ${units}::int), timestamptz '2026-01-10', 1
        from generate_series(1, 1000) g`);
      batches++;
      const due = started + (batches * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    return (batches * 1000) / ((performance.now() - started) / 1000);
  })();
  const probe = (async () => {
    while (!stop) {
      // u1's first exposure is 2026-01-01T00:00:01Z; a click an hour later counts (24 h window).
      await db.execute(sql`insert into events (id, name, unit_id, ts)
        values (gen_random_uuid(), 'click', 'u1', timestamptz '2026-01-01 01:00:00+00')`);
      probes.push(performance.now());
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  const reader = (async () => {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const seen = (await clicks()) - baseline;
      const now = performance.now();
      while (lags.length < Math.min(seen, probes.length)) lags.push(now - (probes[lags.length] ?? now));
    }
  })();
  await reader;
  stop = true;
  const achieved = await load;
  await probe;
  await deps.refresher.stop();
  lags.sort((a, b) => a - b);
  const pick = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? Number.NaN;
  console.log(
    `  freshness under ${Math.round(achieved).toLocaleString("en")} events/s for ${seconds} s: probe counted after ` +
      `median ${fmt(pick(0.5))}, max ${fmt(lags[lags.length - 1] ?? Number.NaN)} (${lags.length} probes; goal <= 2 s)`,
  );
}

/** Generates the data in `db` and prints the timings and ratios. */
export async function runResultsBench(
  db: Db,
  label: string,
  units: number,
  events: number,
  postgres: boolean,
  /** Opens a second connection pool on the same database (a "restarted server"); PostgreSQL only. */
  reopen?: () => Promise<{ db: Db; close: () => Promise<void> }>,
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
  const warm = await median(5, () =>
    computeResults(deps, KEY, { refresh: "incremental", environment: "production", mde: 0.05 }),
  );
  console.log(
    `  results request, steady state (the worker's per-day sums + statistics, no refresh): ${fmt(warm)}  (${(warm / scans).toFixed(3)}x the scans; goal <= 1.5x)`,
  );
  // After a cap change or an erasure, until the worker's next refresh recomputes the sums, a
  // request sums every unit's row instead.
  await db.execute(sql`update results_state set sums_fingerprint = null where experiment_key = ${KEY}`);
  const scanning = await median(3, () =>
    computeResults(deps, KEY, { refresh: "incremental", environment: "production", mde: 0.05 }),
  );
  const recompute = await time(() => refresher.refresh(KEY));
  console.log(
    `  results request while the sums are due (reads every unit row): ${fmt(scanning)}  (${(scanning / scans).toFixed(2)}x the scans); ` +
      `the worker's recompute of the sums: ${fmt(recompute.ms)}`,
  );
  const idle = await median(3, () => refresher.refresh(KEY));
  console.log(`  worker refresh with nothing new: ${fmt(idle)}`);
  // A fresh batch: 10,000 events of existing units.
  await db.execute(sql`insert into events (id, name, unit_id, ts, value)
    select gen_random_uuid(), 'purchase', 'u' || (1 + abs(hashint4(g + 99)) % ${units}::int), timestamptz '2026-01-15', 20
    from generate_series(1, 10000) g`);
  const incrRefresh = await time(() => refresher.refresh(KEY));
  const incr = await time(() =>
    computeResults(deps, KEY, { refresh: "incremental", environment: "production", mde: 0.05 }),
  );
  console.log(
    `  worker refresh after 10,000 new events (incremental): ${fmt(incrRefresh.ms)}; the request after it ${fmt(incr.ms)}`,
  );
  const breakdown = await time(() =>
    computeResults(deps, KEY, {
      refresh: "incremental",
      environment: "production",
      mde: 0.05,
      dimension: "country",
    }),
  );
  console.log(`  results with ?dimension=country (30 values, folded to 20 + other): ${fmt(breakdown.ms)}`);
  if (reopen) {
    // A restarted server: a new connection pool and a new worker with no in-memory state.
    const second = await reopen();
    try {
      const fresh = { db: second.db, refresher: new ResultsRefresher({ db: second.db }) };
      const first = await time(() =>
        computeResults(fresh, KEY, { refresh: "incremental", environment: "production", mde: 0.05 }),
      );
      console.log(
        `  first request after a restart: ${fmt(first.ms)}  (${(first.ms / warm).toFixed(2)}x the steady state; goal 1x)`,
      );
    } finally {
      await second.close();
    }
  }
  // PGlite has one connection on this thread: ingestion, the worker and requests take turns.
  if (postgres) await freshness(db, deps, 10, units);
  else console.log("  freshness under continuous ingest: not measured on PGlite (one connection)");
  const r = incr.value;
  console.log(
    `  check: units ${r.units.map((u) => `${u.variant}=${u.units}`).join(" ")}, decision ${r.decision.recommendation}, ` +
      `converted ${r.metrics[0]?.variants.map((v) => v.mean?.toFixed(4)).join(" vs ")}`,
  );
}
