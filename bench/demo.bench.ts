/**
 * The demo as a statistical check, end to end (simulator -> SDK -> server -> report), many seeds:
 *   - the A/A experiment: false-positive rate with its 95 % Wilson interval (should contain 5 %);
 *   - the checkout experiment (+8 % planted, sequential): detection rate against the power that
 *     `@splitlab/stats` predicts for the traffic each run produced.
 * Run: `npm run bench:demo -- [--seeds 200] [--checkout-seeds N] [--units 4000] [--checkout-units 20000]` (PGlite by
 * default, PostgreSQL with DATABASE_URL). Each seed is a full run, so 200 seeds take a while; `--seeds 0` skips the A/A part.
 */
import { parseArgs } from "node:util";
import { sequentialPower } from "@splitlab/stats";
import { runDemo } from "../server/demo/run.js";
import { DEMO_SCENARIO, type Scenario } from "../server/demo/scenario.js";
import { startTestApp, TEST_ADMIN_TOKEN } from "../server/test/test-app.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "200" },
    units: { type: "string", default: "4000" },
    "checkout-units": { type: "string", default: "20000" },
    // The checkout runs are 5x larger: fewer seeds keep the bench within an hour.
    "checkout-seeds": { type: "string" },
  },
});
const seeds = Number(values.seeds);
const checkoutSeeds = Number(values["checkout-seeds"] ?? values.seeds);
const only = (key: string): Scenario => ({
  ...DEMO_SCENARIO,
  experiments: DEMO_SCENARIO.experiments.filter((e) => e.key === key),
});

/** Wilson score interval (Wilson 1927), 95 %. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.959964;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const app = await startTestApp();
app.instance.refresher.start();
const call = (method: string, path: string, body?: unknown) =>
  app.request(method, path, body ? { body } : {});
// Archived, not just stopped: a stopped experiment stays in the worker's refresh for its
// attribution windows, and 200 of them would make every later run wait on their refreshes.
const retire = async (key: string) => {
  await call("POST", `/api/v1/experiments/${key}/stop`, { decision: "inconclusive" });
  await call("POST", `/api/v1/experiments/${key}/archive`);
};
try {
  let falsePositives = 0;
  const t0 = performance.now();
  for (let s = 1; s <= seeds; s++) {
    const r = await runDemo({
      url: app.url,
      token: TEST_ADMIN_TOKEN,
      seed: 10_000 + s,
      units: Number(values.units),
      scenario: only("pricing-aa"),
    });
    const report = r.reports[0]!;
    if (report.primary!.comparisons.some((c) => c.significant)) falsePositives++;
    await retire(report.key);
  }
  if (seeds > 0) {
    const [lo, hi] = wilson(falsePositives, seeds);
    process.stdout.write(
      `A/A (${values.units} users, alpha 5 %): ${falsePositives} of ${seeds} significant = ${pct(falsePositives / seeds)}, 95 % CI [${pct(lo)}, ${pct(hi)}] (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
  }

  let detected = 0;
  let predicted = 0;
  let predictedHolm = 0;
  const t1 = performance.now();
  for (let s = 1; s <= checkoutSeeds; s++) {
    const r = await runDemo({
      url: app.url,
      token: TEST_ADMIN_TOKEN,
      seed: 20_000 + s,
      units: Number(values["checkout-units"]),
      scenario: only("checkout-redesign"),
    });
    const report = r.reports[0]!;
    const c = report.primary!.comparisons[0]!;
    if (c.significant && c.direction === "better") detected++;
    const perVariant = report.units / 2;
    const plan = { baselineRate: 0.1, mde: 0.08, perVariant };
    // Two primary metrics under Holm: the first step tests at alpha / 2, the last at alpha.
    predicted += sequentialPower({ ...plan, alpha: 0.05 }).power ?? 0;
    predictedHolm += sequentialPower({ ...plan, alpha: 0.025 }).power ?? 0;
    await retire(report.key);
  }
  const [dlo, dhi] = wilson(detected, checkoutSeeds);
  process.stdout.write(
    `checkout +8 % (${values["checkout-units"]} users, sequential): detected in ${detected} of ${checkoutSeeds} = ${pct(detected / checkoutSeeds)}, 95 % CI [${pct(dlo)}, ${pct(dhi)}]; ` +
      `predicted power ${pct(predictedHolm / checkoutSeeds)} (alpha / 2) to ${pct(predicted / checkoutSeeds)} (alpha) (${((performance.now() - t1) / 1000).toFixed(0)} s)\n`,
  );
} finally {
  await app.instance.refresher.stop();
  await app.close();
}
