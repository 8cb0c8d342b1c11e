/**
 * UI benchmark: `npm run bench:ui`.
 *
 * 1. Gzipped size of what the first page loads (entry script, preloaded chunks, stylesheets) from a
 *    fresh production build, against the 150 kB goal; lazy chunks listed for reference.
 * 2. The planner's recompute per keystroke: `computePlan` (the headline figures, computed on every
 *    keystroke) and `computePlanDetails` (the 25-point days-against-MDE curve and the 8-week MDE
 *    table, computed in a deferred render that React may interrupt), median over many runs, as a
 *    ratio to one `sampleSizeProportions` call measured in the same run; goal under 16 ms (a frame).
 * 3. Navigation to a rendered results page in headless Chromium (the real server over PGlite, the
 *    production build): an experiment with 5 metrics × 3 variants and a 60-day series, from the
 *    navigation's start (`performance.timeOrigin`) to the animation frame with the scorecard's last
 *    row and the charts in the DOM; first (cold) load and the median of warm reloads, and when the
 *    report's response ended in the page; against the report request alone (`GET .../results`
 *    from Node in the same run) as the baseline.
 */

import { launchBrowser, startUiServer } from "../client/e2e/harness.js";
import { createResultMetrics, seedResultsExperiment } from "../client/e2e/results-seed.js";
import { measureBundle } from "../client/scripts/bundle-size.js";
import { ensureClientBuild } from "../client/scripts/ensure-build.js";
import {
  computePlan,
  computePlanDetails,
  DEFAULT_PLAN,
  type PlanInput,
} from "../client/src/features/planner/plan.js";
import { TEST_ADMIN_TOKEN } from "../server/test/test-app.js";
import { sampleSizeProportions } from "../stats/src/index.js";

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

function medianMs(run: () => void, iterations: number): number {
  for (let i = 0; i < Math.min(20, iterations); i++) run(); // warm up the JIT
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

await ensureClientBuild((line) => console.log(line));
const sizes = measureBundle();
console.log("\nFirst page (gzip -9):");
for (const f of sizes.initial)
  console.log(`  ${f.file.padEnd(44)} ${kb(f.raw).padStart(9)} raw  ${kb(f.gzip).padStart(9)} gz`);
console.log(
  `  initial JS+CSS: ${kb(sizes.initialGzip)} gz = ${((sizes.initialGzip / (150 * 1024)) * 100).toFixed(0)} % of the 150 kB goal`,
);
console.log("Lazy chunks:");
for (const f of sizes.lazy)
  console.log(`  ${f.file.padEnd(44)} ${kb(f.raw).padStart(9)} raw  ${kb(f.gzip).padStart(9)} gz`);

const baseline = medianMs(() => sampleSizeProportions({ baselineRate: 0.1, mde: 0.05 }), 20_000);
console.log(
  `\nPlanner recompute per keystroke (median; baseline: one sampleSizeProportions = ${(baseline * 1000).toFixed(2)} µs)`,
);
const scenarios: [string, Partial<PlanInput>][] = [
  ["rate, fixed horizon", {}],
  ["rate, sequential, 3 variants (Holm)", { sequential: true, variants: 3 }],
  ["mean + sd, fixed horizon", { kind: "mean", baseline: 50, sd: 20 }],
  ["mean + sd, sequential", { kind: "mean", baseline: 50, sd: 20, sequential: true }],
];
for (const [name, patch] of scenarios) {
  const input = { ...DEFAULT_PLAN, ...patch };
  const ms = medianMs(() => computePlan(input), 500);
  const details = medianMs(() => computePlanDetails(input), 100);
  console.log(
    `  ${name.padEnd(38)} headline ${ms.toFixed(2).padStart(6)} ms = ${(ms / baseline).toFixed(0)}x baseline (goal < 16 ms: ${ms < 16 ? "met" : "MISSED"}); chart + table ${details.toFixed(1)} ms (deferred)`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log("\nResults page: navigation to rendered (5 metrics × 3 variants, 60-day series)");
const app = await startUiServer();
const browser = await launchBrowser();
try {
  await createResultMetrics(app);
  await seedResultsExperiment(app, {
    key: "bench-results",
    name: "Bench results",
    variants: ["control", "fast", "bold"],
    units: 12_000,
    days: 60,
    purchaseRates: [0.1, 0.11, 0.1],
    metrics: 5,
    primaries: 2,
    sequential: true,
  });
  const path = "/api/v1/experiments/bench-results/results";
  await app.request("GET", path); // builds the pre-aggregated unit rows once
  const apiTimes: number[] = [];
  let reportBytes = 0;
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    const res = await fetch(`${app.url}${path}`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    reportBytes = (await res.text()).length;
    apiTimes.push(performance.now() - start);
  }
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel("Admin token").fill(TEST_ADMIN_TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
  // Timed inside the page, to the animation frame in which the scorecard's last row and both
  // charts exist; also when the report's response ended (resource timing).
  const rendered = async (): Promise<{ total: number; report: number }> => {
    await page.goto(`${app.url}/experiments/bench-results/results`);
    const handle = await page.waitForFunction(
      () => {
        const labels = [...document.querySelectorAll("svg[role=img]")].map(
          (s) => s.getAttribute("aria-label") ?? "",
        );
        const done =
          document.querySelector('[data-testid="score-add-to-cart:bold"]') !== null &&
          labels.some((l) => l.startsWith("Cumulative absolute lift of bold")) &&
          labels.some((l) => l.startsWith("New units per day by variant"));
        if (!done) return false;
        const request = performance
          .getEntriesByType("resource")
          .find((e) => e.name.includes("/api/v1/experiments/bench-results/results")) as
          | PerformanceResourceTiming
          | undefined;
        return { total: performance.now(), report: request?.responseEnd ?? 0 };
      },
      undefined,
      { polling: "raf", timeout: 60_000 },
    );
    return (await handle.jsonValue()) as { total: number; report: number };
  };
  const cold = await rendered();
  const warm: { total: number; report: number }[] = [];
  for (let i = 0; i < 7; i++) warm.push(await rendered());
  const api = median(apiTimes);
  const rows = await page.getByTestId(/^score-/).count();
  const warmTotal = median(warm.map((w) => w.total));
  const warmReport = median(warm.map((w) => w.report));
  console.log(
    `  report: ${(reportBytes / 1024).toFixed(0)} kB JSON, ${rows} scorecard rows; GET results from Node median ${api.toFixed(0)} ms (baseline)`,
  );
  console.log(`  first load ${cold.total.toFixed(0)} ms = ${(cold.total / api).toFixed(1)}x baseline`);
  console.log(
    `  warm reload median ${warmTotal.toFixed(0)} ms = ${(warmTotal / api).toFixed(1)}x baseline (of 7); the report's response ended at ${warmReport.toFixed(0)} ms, so ${(warmTotal - warmReport).toFixed(0)} ms is parsing and rendering`,
  );
  await context.close();
} finally {
  await browser.close();
  await app.close();
}
