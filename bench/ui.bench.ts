/**
 * UI benchmark: `npm run bench:ui`.
 *
 * 1. Gzipped size of what the first page loads (entry script, preloaded chunks, stylesheets) from a
 *    fresh production build, against the 150 kB goal; lazy chunks listed for reference.
 * 2. The planner's recompute per keystroke: `computePlan` (the headline figures, computed on every
 *    keystroke) and `computePlanDetails` (the 25-point days-against-MDE curve and the 8-week MDE
 *    table, computed in a deferred render that React may interrupt), median over many runs, as a
 *    ratio to one `sampleSizeProportions` call measured in the same run; goal under 16 ms (a frame).
 *
 * Not yet measured here (comes with the results page): navigation to a rendered results page.
 */

import { measureBundle } from "../client/scripts/bundle-size.js";
import { ensureClientBuild } from "../client/scripts/ensure-build.js";
import {
  computePlan,
  computePlanDetails,
  DEFAULT_PLAN,
  type PlanInput,
} from "../client/src/features/planner/plan.js";
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
