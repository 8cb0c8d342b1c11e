/**
 * Statistics benchmark: `npm run bench:stats`.
 *
 * 1. Bigger seeded simulations than `npm test` (A/A false-positive rates, peeking, power,
 *    group-sequential), printed as rates with their Monte Carlo standard errors.
 * 2. Accuracy of our distribution tails vs jstat's own functions, against R's values.
 * 3. Throughput of the hot functions, as a ratio to a same-run baseline (jstat's t CDF).
 */
import { readFileSync } from "node:fs";
import jStat from "jstat";
import {
  chiSquareSf,
  groupSequentialBoundaries,
  normalCdf,
  normalQuantile,
  powerMeans,
  powerProportions,
  proportionsTest,
  sequentialPower,
  sequentialSampleSize,
  sequentialTest,
  studentTQuantile,
  studentTSf,
  welchTTest,
} from "../stats/src/index.js";
import {
  aaProportionsRate,
  aaWelchRate,
  detectionRate,
  groupSequentialAaRate,
  meansPower,
  peekingRates,
  proportionsPower,
  sequentialLooksRate,
} from "../stats/test/simulate.js";

const ALPHA = 0.05;
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const se = (p: number, n: number) => `± ${(Math.sqrt((p * (1 - p)) / n) * 100).toFixed(2)}`;
function timed<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  console.log(`  (${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return out;
}

console.log("== Simulations (seeded) ==");
{
  const n = 20_000;
  const z = timed("z-tests", () =>
    aaProportionsRate({ tests: n, users: 2000, rate: 0.1, alpha: ALPHA, seed: 11 }),
  );
  console.log(
    `A/A two-proportion z-test, ${n} tests x 2,000 users/arm: FPR ${pct(z)} ${se(z, n)} (alpha 5 %)`,
  );
  const w = timed("Welch", () => aaWelchRate({ tests: n, units: 500, alpha: ALPHA, seed: 12 }));
  console.log(
    `A/A Welch t-test on exponential values, ${n} tests x 500 units/arm: FPR ${pct(w)} ${se(w, n)}`,
  );
}
for (const peeks of [20, 100]) {
  const n = 3000;
  const r = timed("peeking", () =>
    peekingRates({ tests: n, peeks, unitsPerPeek: 4000 / peeks, alpha: ALPHA, seed: 13 + peeks }),
  );
  console.log(
    `A/A peeked ${peeks}x (${n} tests, 4,000 units/arm in the end): naive t-test ${pct(r.naive)}, sequential ${pct(r.sequential)}; naive/alpha = ${(r.naive / ALPHA).toFixed(1)}x`,
  );
}
for (const spending of ["obrien-fleming", "pocock"] as const) {
  const n = 200_000;
  const t = [0.2, 0.4, 0.6, 0.8, 1];
  const r = groupSequentialAaRate({ tests: n, informationFractions: t, spending, alpha: ALPHA, seed: 21 });
  console.log(`Group-sequential ${spending}, 5 looks, ${n} A/A paths: FPR ${pct(r)} ${se(r, n)}`);
}
{
  const n = 10_000;
  const p = timed("power", () =>
    proportionsPower({ tests: n, baselineRate: 0.2, mde: 0.25, power: 0.8, alpha: ALPHA, seed: 31 }),
  );
  console.log(
    `Power, proportions (20 % +25 % rel., ${p.perVariant}/arm): observed ${pct(p.observed)} ${se(p.observed, n)} vs 80 % requested`,
  );
  const m = meansPower({ tests: n, sd: 1, mde: 0.25, power: 0.9, alpha: ALPHA, seed: 32 });
  console.log(
    `Power, means (sd 1, delta 0.25, ${m.perVariant}/arm): observed ${pct(m.observed)} ${se(m.observed, n)} vs 90 % requested`,
  );
}

console.log("\n== Predicted power of the deciding test vs simulated detection rate (issue 11) ==");
{
  const n = 10_000;
  const rate = { baselineRate: 0.2, relativeLift: 0.25 };
  const plan = sequentialSampleSize({ sd: 1, mde: 0.2, tuning: 800, comparisons: 2 });
  const seqRate = sequentialSampleSize({ baselineRate: 0.2, mde: 0.25, tuning: 2188 });
  if (plan.status !== "ok" || seqRate.status !== "ok") throw new Error("plan failed");
  const cases: [string, number | null, Parameters<typeof detectionRate>[0]][] = [
    [
      "fixed, 2 arms, rates, 700/arm",
      powerProportions({ baselineRate: 0.2, mde: 0.25, perVariant: 700 }).power,
      { tests: n, metric: rate, perVariant: 700, treatments: 1, holm: true, alpha: ALPHA, seed: 51 },
    ],
    [
      "fixed, 3 arms, Holm, rates, 1094/arm",
      powerProportions({ baselineRate: 0.2, mde: 0.25, perVariant: 1094, alpha: ALPHA / 2 }).power,
      { tests: n, metric: rate, perVariant: 1094, treatments: 2, holm: true, alpha: ALPHA, seed: 52 },
    ],
    [
      "fixed, 3 arms, Holm, means sd 1 delta 0.2, 300/arm",
      powerMeans({ sd: 1, mde: 0.2, perVariant: 300, alpha: ALPHA / 2 }).power,
      {
        tests: n,
        metric: { sd: 1, difference: 0.2 },
        perVariant: 300,
        treatments: 2,
        holm: true,
        alpha: ALPHA,
        seed: 53,
      },
    ],
    [
      "sequential, 2 arms, rates, N = N* = 2188",
      sequentialPower({ baselineRate: 0.2, mde: 0.25, perVariant: 1094, tuning: 2188 }).power,
      {
        tests: n,
        metric: rate,
        perVariant: 1094,
        treatments: 1,
        sequential: { tuning: 2188 },
        holm: true,
        alpha: ALPHA,
        seed: 54,
      },
    ],
    [
      `sequential, 2 arms, rates, planned ${seqRate.perVariant}/arm (N* 2188)`,
      sequentialPower({ baselineRate: 0.2, mde: 0.25, perVariant: seqRate.perVariant, tuning: 2188 }).power,
      {
        tests: n,
        metric: rate,
        perVariant: seqRate.perVariant,
        treatments: 1,
        sequential: { tuning: 2188 },
        holm: true,
        alpha: ALPHA,
        seed: 55,
      },
    ],
    [
      `sequential, 3 arms, Holm, means, planned ${plan.perVariant}/arm (N* 800)`,
      sequentialPower({ sd: 1, mde: 0.2, perVariant: plan.perVariant, tuning: 800, comparisons: 2 }).power,
      {
        tests: n,
        metric: { sd: 1, difference: 0.2 },
        perVariant: plan.perVariant,
        treatments: 2,
        sequential: { tuning: 800 },
        holm: true,
        alpha: ALPHA,
        seed: 56,
      },
    ],
  ];
  for (const [label, predicted, scenario] of cases) {
    const simulated = timed(label, () => detectionRate(scenario));
    console.log(
      `${label.padEnd(58)} predicted ${pct(predicted ?? 0)}  simulated ${pct(simulated)} ${se(simulated, n)}`,
    );
  }
  console.log(
    `cost of sequential (inflation vs fixed horizon): rates ${seqRate.inflation.toFixed(2)}x, means with Holm over 2 ${plan.inflation.toFixed(2)}x`,
  );
  const looks = timed("looks", () =>
    sequentialLooksRate({
      tests: 4000,
      sd: 1,
      difference: 0.2,
      perVariant: 394,
      looks: 20,
      tuning: 788,
      alpha: ALPHA,
      seed: 57,
    }),
  );
  const single = sequentialPower({ sd: 1, mde: 0.2, perVariant: 394, tuning: 788 }).power ?? 0;
  console.log(
    `sequential, 394/arm = N*, 20 looks: predicted (one look) ${pct(single)}, significant at the last look ${pct(looks.lastLook)}, at any look ${pct(looks.anyLook)}`,
  );
}

console.log("\n== Accuracy vs R (relative error): ours vs jstat ==");
{
  const v = JSON.parse(
    readFileSync(new URL("../stats/test/reference/vectors.json", import.meta.url), "utf8"),
  ).distributions;
  const rel = (a: number, b: number) =>
    (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b)).toExponential(1);
  for (const c of v.pnorm.slice(0, 5)) {
    console.log(
      `${c.r.padEnd(34)} ours ${rel(normalCdf(c.x), c.p)}  jstat ${rel(jStat.normal.cdf(c.x, 0, 1), c.p)}`,
    );
  }
  for (const c of v.qnorm.slice(0, 5)) {
    console.log(
      `${c.r.padEnd(34)} ours ${rel(normalQuantile(c.p), c.x)}  jstat ${rel(jStat.normal.inv(c.p, 0, 1), c.x)}`,
    );
  }
  for (const c of v.ptUpper) {
    console.log(
      `${c.r.padEnd(34)} ours ${rel(studentTSf(c.t, c.df), c.p)}  jstat ${rel(1 - jStat.studentt.cdf(c.t, c.df), c.p)}`,
    );
  }
  for (const c of v.qt) {
    console.log(
      `${c.r.padEnd(34)} ours ${rel(studentTQuantile(c.p, c.df), c.x)}  jstat ${rel(jStat.studentt.inv(c.p, c.df), c.x)}`,
    );
  }
  for (const c of v.pchisqUpper) {
    console.log(
      `${c.r.padEnd(34)} ours ${rel(chiSquareSf(c.x, c.df), c.p)}  jstat ${rel(1 - jStat.chisquare.cdf(c.x, c.df), c.p)}`,
    );
  }
}

console.log("\n== Throughput (ratio to a same-run baseline: jstat.studentt.cdf) ==");
function opsPerSecond(f: (i: number) => unknown, ms = 400): number {
  let count = 0;
  const end = performance.now() + ms;
  let sink = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) sink += Number(Boolean(f(count + i)));
    count += 200;
  }
  if (sink < 0) console.log(sink);
  return (count * 1000) / ms;
}
const baseline = opsPerSecond((i) => jStat.studentt.cdf(1 + (i % 100) / 50, 40 + (i % 7)));
const rows: [string, (i: number) => unknown][] = [
  [
    "proportionsTest",
    (i) =>
      proportionsTest({ users: 10000, conversions: 1000 + (i % 50) }, { users: 10000, conversions: 1050 }),
  ],
  [
    "welchTTest",
    (i) =>
      welchTTest({ n: 5000, mean: 10, variance: 9 }, { n: 5100, mean: 10 + (i % 50) / 500, variance: 10 }),
  ],
  [
    "sequentialTest",
    (i) =>
      sequentialTest(
        { n: 5000, mean: 10, variance: 9 },
        { n: 5100, mean: 10 + (i % 50) / 500, variance: 10 },
      ),
  ],
  [
    "groupSequentialBoundaries(5 looks)",
    () =>
      groupSequentialBoundaries({
        informationFractions: [0.2, 0.4, 0.6, 0.8, 1],
        spending: "obrien-fleming",
      }),
  ],
];
console.log(`baseline jstat.studentt.cdf: ${Math.round(baseline).toLocaleString("en")} ops/s`);
for (const [name, f] of rows) {
  const ops = opsPerSecond(f, name.startsWith("group") ? 2000 : 400);
  console.log(
    `${name.padEnd(36)} ${Math.round(ops).toLocaleString("en").padStart(12)} ops/s  (${(ops / baseline).toFixed(3)}x baseline)`,
  );
}
