/**
 * SDK benchmark (`npm run bench:sdk`): assignment throughput vs GrowthBook in one process, and
 * the gzipped browser bundle size of core + client. Prints figures; asserts nothing.
 *
 * Same experiment on both sides: 2 variants 50/50, full coverage, targeting condition
 * `{ country: { $in: ["US", "CA", "GB"] } }` (3 of 4 users match), exposure logging on
 * (ours: the client's deduped exposure queue with default sizes; GrowthBook: trackingCallback
 * pushing into a bounded array, GrowthBook's own tracked-experiments dedupe). The same
 * 1,000,000 prebuilt user objects are assigned by each contender.
 */
import { gzipSync } from "node:zlib";
import { GrowthBook, GrowthBookClient } from "@growthbook/growthbook";
import { build } from "esbuild";
import { createClient, type SdkConfig } from "sdk";

const N = 1_000_000;
const WARMUP = 100_000;
const COUNTRIES = ["US", "CA", "GB", "DE"];
const condition = { country: { $in: ["US", "CA", "GB"] } };

function users(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, country: COUNTRIES[i % 4]! }));
}

const config: SdkConfig = {
  version: "bench",
  generatedAt: new Date().toISOString(),
  experiments: [
    {
      key: "bench-exp",
      seed: "bench-exp",
      hashVersion: 1,
      unitAttribute: "id",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      coverage: 1,
      condition,
    },
  ],
};

const gbExperiment = {
  key: "bench-exp",
  variations: ["control", "treatment"],
  weights: [0.5, 0.5],
  coverage: 1,
  condition,
};

type Contender = { name: string; run: (people: { id: string; country: string }[]) => number };

function ours(): Contender {
  const client = createClient({
    apiHost: "http://127.0.0.1:9", // never contacted: bootstrap config, no timers
    sdkKey: "bench",
    bootstrap: config,
    refreshInterval: 0,
    flushInterval: 0,
    storage: null,
  });
  return {
    name: "sdk getVariant",
    run(people) {
      let treatment = 0;
      for (const user of people) if (client.getVariant("bench-exp", user) === "treatment") treatment++;
      const s = client.stats();
      if (s.queued + s.dropped === 0) throw new Error("no exposures were logged");
      return treatment;
    },
  };
}

function trackingQueue() {
  const queue: unknown[] = [];
  return (experiment: { key: string }, result: { key: string }) => {
    queue.push({ experiment: experiment.key, variant: result.key, time: Date.now() });
    if (queue.length > 1000) queue.shift();
  };
}

function growthbookRun(): Contender {
  const gb = new GrowthBook({ trackingCallback: trackingQueue() });
  return {
    name: "GrowthBook setAttributes + run()",
    run(people) {
      let treatment = 0;
      for (const user of people) {
        void gb.setAttributes(user);
        if (gb.run(gbExperiment).value === "treatment") treatment++;
      }
      return treatment;
    },
  };
}

function growthbookClient(): Contender {
  const gb = new GrowthBookClient({ trackingCallback: trackingQueue() });
  gb.initSync({ payload: { features: {} } });
  return {
    name: "GrowthBookClient runInlineExperiment()",
    run(people) {
      let treatment = 0;
      for (const user of people) {
        if (gb.runInlineExperiment(gbExperiment, { attributes: user }).value === "treatment") treatment++;
      }
      return treatment;
    },
  };
}

/**
 * Runs the contenders over the same ids in interleaved chunks (A, B, C, A, B, C, ...) so that
 * load from other processes on this shared machine hits all of them alike; each contender's
 * rate is its ids divided by the sum of its chunk times.
 */
function measureInterleaved(
  contenders: Contender[],
  people: { id: string; country: string }[],
  chunks: number,
) {
  for (const c of contenders) c.run(users(`warm-${c.name}`, WARMUP));
  const seconds = contenders.map(() => 0);
  const treatment = contenders.map(() => 0);
  const size = Math.ceil(people.length / chunks);
  for (let k = 0; k < chunks; k++) {
    const chunk = people.slice(k * size, (k + 1) * size);
    contenders.forEach((c, i) => {
      const t0 = process.hrtime.bigint();
      treatment[i]! += c.run(chunk);
      seconds[i]! += Number(process.hrtime.bigint() - t0) / 1e9;
    });
  }
  return contenders.map((c, i) => {
    const rate = people.length / seconds[i]!;
    console.log(
      `${c.name.padEnd(40)} ${Math.round(rate).toLocaleString("en-US").padStart(12)} assignments/s  ` +
        `(${seconds[i]!.toFixed(2)} s, treatment ${((100 * treatment[i]!) / people.length).toFixed(1)}% of all users)`,
    );
    return rate;
  });
}

async function gzippedBundle(contents: string, resolveDir: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir, loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    conditions: ["source"],
    write: false,
    logLevel: "error",
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

async function main() {
  console.log(`SDK assignment benchmark: ${N.toLocaleString("en-US")} unit ids, Node ${process.version}`);
  const people = users("user", N);
  const [ourRate, gbRun, gbClient] = measureInterleaved(
    [ours(), growthbookRun(), growthbookClient()],
    people,
    20,
  ) as [number, number, number];
  const best = Math.max(gbRun, gbClient);
  console.log(`ratio vs GrowthBook run():                   ${(ourRate / gbRun).toFixed(1)}x`);
  console.log(`ratio vs GrowthBook's faster path:           ${(ourRate / best).toFixed(1)}x   (goal >= 10x)`);

  const root = new URL("..", import.meta.url).pathname;
  const ourBytes = await gzippedBundle(`export * from "./sdk/src/index.ts";`, root);
  const gbBytes = await gzippedBundle(`export { GrowthBook } from "@growthbook/growthbook";`, root);
  console.log(`browser bundle, core + client, minified + gzip -9: ${ourBytes} bytes (goal <= 6144)`);
  console.log(`same build of GrowthBook's GrowthBook class:        ${gbBytes} bytes`);
}

await main();
