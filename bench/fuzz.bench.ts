// Fuzz benchmark (`npm run bench:fuzz`): the attack suite's fuzzer (server/test/fuzz-suite.ts)
// with many more cases than `npm test`, against the real app on loopback (PGlite, or a fresh
// PostgreSQL database when DATABASE_URL is set). It first times 500 clean batches alone (the
// baseline), then the fuzz runs, and prints cases, statuses, rates and the ratio of fuzzed to
// clean request rate. Any broken invariant (5xx, leak, lost or extra row, refused call changing
// an experiment, a clean batch refused) stops it with fast-check's report.
// BENCH_FUZZ_EVENTS (default 10,000), BENCH_FUZZ_MANAGEMENT (default 5,000),
// BENCH_FUZZ_SEED (default: a fresh one, printed so a failure can be replayed).
import { randomUUID } from "node:crypto";
import { fuzzIngestion, fuzzManagement, prepareFuzzTarget } from "../server/test/fuzz-suite.js";
import { startTestApp } from "../server/test/test-app.js";

const EVENTS = Number(process.env.BENCH_FUZZ_EVENTS ?? 10_000);
const MANAGEMENT = Number(process.env.BENCH_FUZZ_MANAGEMENT ?? 5_000);
const SEED = Number(process.env.BENCH_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

async function main(): Promise<void> {
  const t = await startTestApp();
  try {
    const target = await prepareFuzzTarget(t);
    const backend = t.testDb.kind === "postgres" ? "PostgreSQL" : "PGlite";
    console.log(`fuzz on ${backend}, seed ${SEED}`);

    let start = performance.now();
    for (let i = 0; i < 500; i++) {
      const now = new Date().toISOString();
      const res = await fetch(`${t.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${target.sdkKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: [{ id: randomUUID(), type: "track", name: "purchase", unitId: "base", timestamp: now }],
        }),
      });
      if (res.status !== 200) throw new Error(`baseline request: ${res.status}`);
      await res.text();
    }
    const baseline = 500 / ((performance.now() - start) / 1000);
    console.log(`baseline: ${baseline.toFixed(0)} clean requests/s (one at a time)`);

    start = performance.now();
    const ingest = await fuzzIngestion(target, { numRuns: EVENTS, seed: SEED });
    let seconds = (performance.now() - start) / 1000;
    const ingestRate = ingest.cases / seconds;
    console.log(
      `POST /api/v1/events: ${ingest.cases} cases in ${seconds.toFixed(1)} s (${ingestRate.toFixed(0)}/s, each beside a clean batch; ` +
        `${(ingestRate / baseline).toFixed(2)}x the baseline rate), statuses ${JSON.stringify(ingest.byStatus)}, ` +
        `${ingest.accepted} events stored, ${ingest.rejected} rejected one by one`,
    );

    start = performance.now();
    const manage = await fuzzManagement(target, { numRuns: MANAGEMENT, seed: SEED });
    seconds = (performance.now() - start) / 1000;
    console.log(
      `management API: ${manage.cases} cases in ${seconds.toFixed(1)} s (${(manage.cases / seconds).toFixed(0)}/s), ` +
        `statuses ${JSON.stringify(manage.byStatus)}`,
    );
    console.log("every invariant held: no 5xx, no leak, rows = acknowledged events, no refused change");
  } finally {
    await t.close();
  }
}

await main();
