/**
 * Results-page data for the end-to-end tests, the screenshots and `bench:ui`: experiments with up
 * to five metrics (rates, sums, counts, a ratio), several variants, exposure attributes (device,
 * country, source) for breakdowns, and optionally a variant whose mobile exposures go missing
 * (an SRM overall and in the mobile segment only). Units and events are inserted with SQL and
 * "received" an hour ago (older than the report's 30 s freshness lag), like seed.ts. The SQL is
 * built from this file's constants and validated numbers/keys only, never from free input.
 */
import type { TestApp } from "../../server/test/test-app.js";

async function ok(t: TestApp, method: string, path: string, body?: unknown): Promise<void> {
  const res = await t.request(method, path, body === undefined ? {} : { body });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The metrics the seeded experiments can use, in this order. */
export const RESULT_METRICS = [
  { key: "purchased", name: "Purchased", eventName: "purchase", type: "binomial", direction: "increase" },
  {
    key: "revenue",
    name: "Revenue per user",
    eventName: "purchase",
    type: "sum",
    direction: "increase",
    cap: 500,
  },
  { key: "page-load", name: "Page load (ms)", eventName: "page_load", type: "mean", direction: "decrease" },
  { key: "refunded", name: "Refunded", eventName: "refund", type: "binomial", direction: "decrease" },
  { key: "add-to-cart", name: "Add to cart", eventName: "add_to_cart", type: "count", direction: "increase" },
] as const;

/** Creates the metrics of {@link RESULT_METRICS} (once per server). */
export async function createResultMetrics(t: TestApp): Promise<void> {
  for (const m of RESULT_METRICS) await ok(t, "POST", "/api/v1/metrics", { ...m, windowHours: 72 });
}

/** Options of {@link seedResultsExperiment}. */
export interface ResultsSeed {
  key: string;
  name: string;
  hypothesis?: string;
  /** Variant keys, control first (2 to 5). */
  variants: string[];
  units: number;
  days: number;
  /** Conversion rate (purchase) per variant, in order. */
  purchaseRates: number[];
  /** How many of {@link RESULT_METRICS} (1-5): the first `primaries` are primary, the rest guardrails. */
  metrics: number;
  primaries?: number;
  sequential?: boolean;
  /** This share of the last variant's mobile units never log an exposure (an SRM). */
  dropMobileShare?: number;
}

const int = (x: number) => {
  if (!Number.isFinite(x)) throw new Error(`not a number: ${x}`);
  return Math.round(x);
};

/** Creates and starts one experiment and inserts its exposures and events. */
export async function seedResultsExperiment(t: TestApp, s: ResultsSeed): Promise<void> {
  for (const k of [s.key, ...s.variants]) if (!/^[a-z0-9-]+$/.test(k)) throw new Error(`bad key ${k}`);
  if (s.purchaseRates.length !== s.variants.length) throw new Error("one purchase rate per variant");
  const metrics = RESULT_METRICS.slice(0, s.metrics).map((m) => m.key);
  const primaries = s.primaries ?? 1;
  await ok(t, "POST", "/api/v1/experiments", {
    key: s.key,
    name: s.name,
    hypothesis: s.hypothesis ?? "",
    variants: s.variants.map((key) => ({ key })),
    primaryMetrics: metrics.slice(0, primaries),
    guardrailMetrics: metrics.slice(primaries),
    analysis: { alpha: 0.05, sequential: s.sequential ?? false, correction: "holm" },
  });
  await ok(t, "POST", `/api/v1/experiments/${s.key}/start`);

  const n = s.variants.length;
  const e = `'${s.key}'`;
  const variantOf = `(array[${s.variants.map((v) => `'${v}'`).join(",")}])[(i % ${n}) + 1]`;
  const device = `(array['desktop','desktop','desktop','desktop','desktop','desktop','mobile','mobile','mobile','tablet'])[(i / ${n} * 13 % 10) + 1]`;
  const country = `(array['US','DE','FR','BR'])[(i / ${n} * 7 % 4) + 1]`;
  const source = `(array['search','direct','ads'])[(i / ${n} * 11 % 3) + 1]`;
  const hours = int(s.days * 24);
  const ts = `now() - interval '1 hour' - (i % ${hours}) * interval '1 hour'`;
  const drop = int((s.dropMobileShare ?? 0) * 100);
  // Units of the last variant on mobile are dropped (i mod 100 below the share) before logging.
  const kept =
    drop > 0
      ? `not ((i % ${n}) = ${n - 1} and ${device} = 'mobile' and (i / ${n} * 17 % 100) < ${drop})`
      : "true";
  const units = `generate_series(1, ${int(s.units)}) as i`;
  await t.db.execute(`
    insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, received_at)
    select gen_random_uuid(), ${e}, ${variantOf}, ${e} || '-u' || i, ${ts},
      jsonb_build_object('device', ${device}, 'country', ${country}, 'source', ${source}),
      now() - interval '1 hour'
    from ${units} where ${kept}`);
  const rates = `(array[${s.purchaseRates.map((r) => int(r * 1000)).join(",")}])[(i % ${n}) + 1]`;
  const event = (name: string, value: string, where: string, extra = "") => `
    insert into events (id, name, unit_id, ts, value, received_at)
    select gen_random_uuid(), '${name}', ${e} || '-u' || i, ${ts} + interval '10 minutes'${extra}, ${value},
      now() - interval '1 hour'
    from ${units} where ${where}`;
  // Unit i is in variant i mod n; everything else about it depends on q = i div n only, so every
  // variant gets the same mix of devices, countries and base behaviour.
  // purchase: converts when (q·7919 mod 1000) < rate·1000; value 20-69 (revenue).
  await t.db.execute(event("purchase", "20 + (i % 50)", `(i / ${n} * 7919 % 1000) < ${rates}`));
  if (s.metrics >= 3) {
    // page_load: 1-3 loads per unit, 900-1299 ms; the second variant is 60 ms faster.
    await t.db.execute(`
      insert into events (id, name, unit_id, ts, value, received_at)
      select gen_random_uuid(), 'page_load', ${e} || '-u' || i, ${ts} + k * interval '1 minute',
        900 + (i / ${n} * 37 % 400) - case when (i % ${n}) = 1 then 60 else 0 end, now() - interval '1 hour'
      from ${units}, generate_series(1, 1 + (i / ${n} % 3)) as k`);
  }
  if (s.metrics >= 4) await t.db.execute(event("refund", "null", `(i / ${n} * 104729 % 1000) < 20`));
  if (s.metrics >= 5) {
    await t.db.execute(`
      insert into events (id, name, unit_id, ts, value, received_at)
      select gen_random_uuid(), 'add_to_cart', ${e} || '-u' || i, ${ts} + k * interval '2 minutes', null,
        now() - interval '1 hour'
      from ${units}, generate_series(1, (i / ${n} * 31 % 4)) as k`);
  }
  await t.db.execute(
    `update experiments set started_at = now() - ${int(s.days)} * interval '1 day' where key = ${e}`,
  );
  await stepResultsWorker(t);
}

/**
 * Runs one pass of the background results refresher when the app has one (the report then serves
 * its latest refreshed state); without a worker the report refreshes on request and this is a no-op.
 */
export async function stepResultsWorker(t: TestApp): Promise<void> {
  const refresher = (t.instance as { refresher?: { tick: () => Promise<unknown> } }).refresher;
  if (refresher) await refresher.tick();
}
