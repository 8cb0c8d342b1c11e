import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import type { ResultsReport } from "./results.report.js";
import { loadResultsDefinition, reportResults } from "./results.service.js";

let t: TestApp;

const T0 = "2026-01-10T00:00:00Z";
// Rows "received" an hour ago (the refresh's watermark is the oldest open transaction's start).
const RECEIVED = sql`now() - interval '1 hour'`;

async function createMetric(body: Record<string, unknown>): Promise<void> {
  const res = await t.request("POST", "/api/v1/metrics", { body });
  expect(res.status).toBe(201);
}

async function createExperiment(body: Record<string, unknown>): Promise<void> {
  const res = await t.request("POST", "/api/v1/experiments", { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect((await t.request("POST", `/api/v1/experiments/${body.key}/start`)).status).toBe(200);
  // The datasets are timestamped from T0: the experiment started then (exposures before the
  // start minus the clock skew would not count).
  await t.db.execute(sql`update experiments set started_at = ${T0}::timestamptz where key = ${body.key}`);
}

/** Inserts exposures: [experiment, variant, unit, hours after T0, attributes?]. */
async function expose(rows: [string, string, string, number, Record<string, unknown>?][]): Promise<void> {
  const json = JSON.stringify(rows.map(([e, v, u, h, a]) => ({ e, v, u, h, a: a ?? null })));
  await t.db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, received_at)
    select gen_random_uuid(), x.e, x.v, x.u, ${T0}::timestamptz + x.h * interval '1 hour', x.a, ${RECEIVED}
    from jsonb_to_recordset(${json}::jsonb) as x(e text, v text, u text, h float8, a jsonb)`);
}

/** Inserts track events: [name, unit, hours after T0, value | null]. */
async function track(rows: [string, string, number, number | null][], received = RECEIVED): Promise<void> {
  const json = JSON.stringify(rows.map(([n, u, h, v]) => ({ n, u, h, v })));
  await t.db.execute(sql`insert into events (id, name, unit_id, ts, value, received_at)
    select gen_random_uuid(), x.n, x.u, ${T0}::timestamptz + x.h * interval '1 hour', x.v, ${received}
    from jsonb_to_recordset(${json}::jsonb) as x(n text, u text, h float8, v float8)`);
}

/** Steps the background worker for `key` (as its next tick would), then reads the report over HTTP. */
async function results(key: string, query = ""): Promise<ResultsReport> {
  await t.instance.refresher.refresh(key);
  // PGlite runs on this thread: a long refresh blocks the event loop, the server's keep-alive
  // timers then close idle sockets; a moment lets the client see that before reusing one.
  await new Promise((r) => setTimeout(r, 100));
  const res = await t.request<ResultsReport>("GET", `/api/v1/experiments/${key}/results${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const metricOf = (r: ResultsReport, key: string) => {
  const m = r.metrics.find((x) => x.metric === key);
  if (!m) throw new Error(`metric ${key} missing`);
  return m;
};

beforeAll(async () => {
  t = await startTestApp();
  await createMetric({
    key: "converted",
    name: "Converted",
    eventName: "purchase",
    type: "binomial",
    windowHours: 24,
  });
  await createMetric({
    key: "orders",
    name: "Orders",
    eventName: "purchase",
    type: "count",
    windowHours: 24,
  });
  await createMetric({
    key: "revenue",
    name: "Revenue",
    eventName: "purchase",
    type: "sum",
    windowHours: 24,
    cap: 100,
  });
  await createMetric({
    key: "order-value",
    name: "Order value",
    eventName: "purchase",
    type: "mean",
    windowHours: 24,
  });
  await createMetric({
    key: "errors",
    name: "Errors",
    eventName: "error",
    type: "count",
    windowHours: 24,
    direction: "decrease",
  });
}, 60_000);
afterAll(() => t.close());

describe("results: hand-checkable dataset over HTTP", () => {
  beforeAll(async () => {
    await createExperiment({
      key: "checkout",
      name: "Checkout",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["converted", "orders"],
      guardrailMetrics: ["revenue", "order-value"],
    });
    await expose([
      ["checkout", "control", "c1", 0, { country: "US" }],
      ["checkout", "control", "c1", 2, { country: "FR" }], // repeat: first exposure stays at T0
      ["checkout", "control", "c2", 1],
      ["checkout", "control", "c3", 2, { country: "US" }],
      ["checkout", "treatment", "t1", 0],
      ["checkout", "treatment", "t2", 1],
      ["checkout", "control", "m1", 0], // m1 sees both variants: excluded, counted
      ["checkout", "treatment", "m1", 1],
      ["checkout", "ghost", "x1", 0], // unknown variant (ingestion rejects these; written directly): ignored
      ["other-experiment", "treatment", "c2", 0], // another experiment: ignored
    ]);
    await track([
      ["purchase", "c1", -1, 50], // before exposure: never counts
      ["purchase", "c1", 1, 30],
      ["purchase", "c1", 23, 20],
      ["purchase", "c1", 25, 1000], // after the 24 h window
      ["click", "c1", 1, 5], // another event name
      ["purchase", "c3", 3, 150], // revenue capped at 100
      ["purchase", "t1", 0, 10], // at the exposure instant: counts
      ["purchase", "t1", 1, null], // no value: counts as an order, not in sums or the mean
      ["purchase", "m1", 2, 99],
      ["purchase", "x1", 1, 99],
    ]);
  });

  it("counts units, exclusions and the exact per-variant sums of every metric type", async () => {
    const r = await results("checkout");
    expect(r.experiment).toBe("checkout");
    expect(r.status).toBe("running");
    expect(r.units).toEqual([
      { variant: "control", units: 3 },
      { variant: "treatment", units: 2 },
    ]);
    expect(r.multipleExposures).toBe(1);
    // m1 is 1 of the 6 exposed units (x1 names no variant and is not a unit): above the 1 % limit.
    expect(r.health.checks.find((c) => c.check === "multiple-exposures")).toMatchObject({
      status: "problem",
      value: 1 / 6,
    });

    const converted = metricOf(r, "converted");
    expect(converted.kind).toBe("primary");
    expect(converted.variants.map((v) => [v.units, v.conversions])).toEqual([
      [3, 2],
      [2, 1],
    ]);
    const orders = metricOf(r, "orders");
    // control per-unit counts 2, 0, 1; treatment 2, 0
    expect(orders.variants.map((v) => [v.units, v.sum])).toEqual([
      [3, 3],
      [2, 2],
    ]);
    expect(orders.variants[0]?.mean).toBeCloseTo(1, 12);
    expect(orders.variants[0]?.variance).toBeCloseTo(1, 12); // var(2, 0, 1) = 1
    const revenue = metricOf(r, "revenue");
    expect(revenue.kind).toBe("guardrail");
    // control per-unit revenue 50, 0, min(150, 100); treatment 10, 0
    expect(revenue.variants.map((v) => [v.units, v.sum])).toEqual([
      [3, 150],
      [2, 10],
    ]);
    expect(revenue.variants[0]?.variance).toBeCloseTo(2500, 9); // var(50, 0, 100) = 2500
    const orderValue = metricOf(r, "order-value");
    // units with ≥1 valued event: control c1 (50 over 2), c3 (150 over 1); treatment t1 (10 over 1)
    expect(orderValue.variants.map((v) => [v.units, v.sum, v.denominator])).toEqual([
      [2, 200, 3],
      [1, 10, 1],
    ]);
    expect(orderValue.variants[0]?.mean).toBeCloseTo(200 / 3, 12);
    expect(orderValue.comparisons[0]?.status).toBe("insufficient-data");
    expect(r.decision.recommendation).toBe("not-enough-data");
    expect(r.srm).toMatchObject({ observed: [3, 2], expected: [2.5, 2.5], mismatch: false });
  });

  it("gives a daily cumulative series by first-exposure day", async () => {
    const r = await results("checkout");
    expect(r.series.map((p) => p.date)).toEqual(["2026-01-10"]);
    expect(r.series[0]?.units).toEqual(r.units);
  });

  it("breaks down by an attribute of the first exposure, keeping every exposed unit", async () => {
    const r = await results("checkout", "?dimension=country");
    const segments = r.breakdown?.segments ?? [];
    expect(r.breakdown?.dimension).toBe("country");
    expect(segments.map((s) => [s.segment, s.units.map((u) => u.units)])).toEqual([
      ["(none)", [1, 2]],
      ["US", [2, 0]],
    ]);
    const us = segments.find((s) => s.segment === "US");
    expect(us?.metrics.find((m) => m.metric === "revenue")?.variants[0]?.sum).toBe(150);
  });

  it("rejects bad input and unknown experiments, and needs an admin token", async () => {
    expect((await t.request("GET", "/api/v1/experiments/nope/results")).status).toBe(404);
    const bad = await t.request("GET", "/api/v1/experiments/checkout/results?dimension=a%20b");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("query.dimension");
    expect((await t.request("GET", "/api/v1/experiments/checkout/results", { token: null })).status).toBe(
      401,
    );
  });
});

describe("results: breakdown folding", () => {
  it("keeps the 20 largest segments and folds the rest into (other) with full denominators", async () => {
    await createExperiment({
      key: "fold",
      name: "Fold",
      variants: [
        { key: "a", weight: 0.5 },
        { key: "b", weight: 0.5 },
      ],
      primaryMetrics: ["converted"],
    });
    // Country k (1..25) has k units; units alternate a/b; every third unit converts.
    await t.db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts, attributes, received_at)
      select gen_random_uuid(), 'fold', case when j % 2 = 0 then 'a' else 'b' end, 'f' || k || '-' || j,
        ${T0}::timestamptz, jsonb_build_object('country', 'k' || lpad(k::text, 2, '0')), ${RECEIVED}
      from generate_series(1, 25) k, generate_series(1, k) j`);
    await t.db.execute(sql`insert into events (id, name, unit_id, ts, value, received_at)
      select gen_random_uuid(), 'purchase', 'f' || k || '-' || j, ${T0}::timestamptz + interval '1 hour', 1, ${RECEIVED}
      from generate_series(1, 25) k, generate_series(1, k) j where j % 3 = 0`);
    const r = await results("fold", "?dimension=country");
    const segments = r.breakdown?.segments ?? [];
    expect(segments).toHaveLength(21);
    const total = (s: (typeof segments)[number]) => s.units.reduce((a, u) => a + u.units, 0);
    const other = segments.find((s) => s.segment === "(other)");
    expect(other && total(other)).toBe(1 + 2 + 3 + 4 + 5);
    expect(segments.find((s) => s.segment === "k05")).toBeUndefined();
    const k25 = segments.find((s) => s.segment === "k25");
    expect(k25 && total(k25)).toBe(25);
    // 25 units, j = 1..25: a (even j) 12 units, 4 converted (6, 12, 18, 24); b 13 units, 4 (3, 9, 15, 21)
    expect(k25?.metrics[0]?.variants.map((v) => [v.units, v.conversions])).toEqual([
      [12, 4],
      [13, 4],
    ]);
    expect(segments.reduce((a, s) => a + total(s), 0)).toBe((25 * 26) / 2);
  });
});

describe("results: incremental refresh equals a full rebuild", () => {
  it("adds late events and re-derives units whose first exposure moved", async () => {
    await createExperiment({
      key: "incr",
      name: "Incremental",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["orders", "order-value"],
    });
    await expose([
      ["incr", "control", "i1", 5],
      ["incr", "treatment", "i2", 0],
    ]);
    await track([["purchase", "i1", 6, 10]]);
    const def = await loadResultsDefinition(t.db, "incr");
    const report = async (full: boolean) => {
      expect(await t.instance.refresher.refresh("incr", { full })).not.toBeNull();
      return reportResults(t.db, def, { mde: 0.05 });
    };
    const first = await report(true);
    expect(metricOf(first, "orders").variants.map((v) => v.sum)).toEqual([1, 0]);
    // Later: an event for i2, an earlier exposure of i1 (moves its window to [1h, 25h)), and an event before it.
    await track(
      [
        ["purchase", "i2", 1, 7],
        ["purchase", "i1", 2, 3],
      ],
      sql`now()`,
    );
    await expose([["incr", "control", "i1", 1]]);
    await t.db.execute(
      sql`update exposures set received_at = now() where unit_id = 'i1' and ts = ${T0}::timestamptz + interval '1 hour'`,
    );
    const incremental = await report(false);
    const full = await report(true);
    expect(metricOf(incremental, "orders").variants.map((v) => v.sum)).toEqual([2, 1]);
    expect(metricOf(incremental, "order-value").variants.map((v) => v.sum)).toEqual([13, 7]);
    expect(incremental.metrics).toEqual(full.metrics);
  });

  it("erasing a unit (DELETE /api/v1/units/:id) removes its pre-aggregated row too", async () => {
    const before = await t.db.execute(sql`select count(*)::int as n from results_units where unit_id = 'i2'`);
    expect(Number(before.rows[0]?.n)).toBe(1);
    expect((await t.request("DELETE", "/api/v1/units/i2")).status).toBeLessThan(300);
    const after = await t.db.execute(sql`select count(*)::int as n from results_units where unit_id = 'i2'`);
    expect(Number(after.rows[0]?.n)).toBe(0);
  });
});

/** Inserts `units` units split evenly, converting with probability rate[variant] (deterministic hash). */
async function simulate(key: string, units: number, rates: [number, number], salt: string): Promise<void> {
  await t.db.execute(sql`insert into exposures (id, experiment_key, variant_key, unit_id, ts, received_at)
    select gen_random_uuid(), ${key}, case when g % 2 = 0 then 'control' else 'treatment' end, ${key} || '-' || g,
      ${T0}::timestamptz + (g % 7) * interval '1 day', ${RECEIVED}
    from generate_series(1, ${units}::int) g`);
  // u = hash of (salt, unit) in [0, 1): PostgreSQL's hashtext, identical on PGlite.
  await t.db.execute(sql`insert into events (id, name, unit_id, ts, value, received_at)
    select gen_random_uuid(), 'purchase', ${key} || '-' || g, ${T0}::timestamptz + (g % 7) * interval '1 day' + interval '1 hour', 1, ${RECEIVED}
    from generate_series(1, ${units}::int) g
    where (hashtext(${salt} || g)::bigint + 2147483648)::float8 / 4294967296
      < case when g % 2 = 0 then ${rates[0]}::float8 else ${rates[1]}::float8 end`);
}

describe("results: planted effect and A/A", () => {
  it("detects a +15% lift on a 10% baseline with 40,000 units, with the right sign", async () => {
    // R: power.prop.test(n = 20000, p1 = 0.10, p2 = 0.115) -> power = 0.998
    await createExperiment({
      key: "planted",
      name: "Planted",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["converted"],
      guardrailMetrics: ["errors"],
      analysis: { alpha: 0.05, sequential: true, correction: "holm" },
    });
    await simulate("planted", 40_000, [0.1, 0.115], "planted");
    const r = await results("planted");
    expect(r.units.map((u) => u.units)).toEqual([20_000, 20_000]);
    const c = metricOf(r, "converted").comparisons[0];
    expect(c?.significant).toBe(true);
    expect(c?.direction).toBe("better");
    expect(c?.relative.estimate).toBeGreaterThan(0.05);
    expect(c?.relative.estimate).toBeLessThan(0.25);
    expect(c?.sequential?.pValue).toBeLessThan(0.05);
    // The confidence sequence is wider than the fixed-horizon interval at the same look.
    const fixedWidth = (c?.absolute.ci?.[1] ?? 0) - (c?.absolute.ci?.[0] ?? 0);
    const seqWidth = (c?.sequential?.ci?.[1] ?? 0) - (c?.sequential?.ci?.[0] ?? 0);
    expect(seqWidth).toBeGreaterThan(fixedWidth);
    expect(r.decision).toMatchObject({ recommendation: "ship", variant: "treatment" });
    expect(r.srm.mismatch).toBe(false);
    expect(r.series).toHaveLength(7);
    expect(r.series[6]?.units).toEqual(r.units);
    expect(r.power.achieved).toBeGreaterThan(0);
  });

  it("does not flag an A/A test", async () => {
    await createExperiment({
      key: "aa",
      name: "A/A",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["converted"],
    });
    await simulate("aa", 40_000, [0.1, 0.1], "aa");
    const r = await results("aa");
    const c = metricOf(r, "converted").comparisons[0];
    expect(c?.pValue).toBeGreaterThan(0.05);
    expect(c?.significant).toBe(false);
    expect(c?.direction).toBe("flat");
    expect(["keep-running", "inconclusive"]).toContain(r.decision.recommendation);
  });

  it("flags a sample ratio mismatch against the planned (unequal) weights", async () => {
    await createExperiment({
      key: "srm",
      name: "SRM",
      variants: [
        { key: "control", weight: 0.2 },
        { key: "treatment", weight: 0.8 },
      ],
      primaryMetrics: ["converted"],
    });
    await simulate("srm", 2_000, [0.1, 0.1], "srm"); // 1000/1000 where 400/1600 was planned
    const r = await results("srm");
    expect(r.srm).toMatchObject({ observed: [1000, 1000], expected: [400, 1600], mismatch: true });
    expect(r.decision.recommendation).toBe("investigate");
  });

  it("blocks ship when a guardrail is significantly worse", async () => {
    await createExperiment({
      key: "guarded",
      name: "Guarded",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["converted"],
      guardrailMetrics: ["errors"],
    });
    await simulate("guarded", 40_000, [0.1, 0.115], "planted");
    // Errors: 1 in 10 control units (even g, g % 20 = 0), 1 in 5 treatment units (odd g, g % 5 = 1).
    await t.db.execute(sql`insert into events (id, name, unit_id, ts, received_at)
      select gen_random_uuid(), 'error', 'guarded-' || g, ${T0}::timestamptz + (g % 7) * interval '1 day' + interval '2 hours', ${RECEIVED}
      from generate_series(1, 40000) g where (g % 2 = 0 and g % 20 = 0) or (g % 2 = 1 and g % 5 = 1)`);
    const r = await results("guarded");
    expect(metricOf(r, "errors").comparisons[0]?.direction).toBe("worse");
    expect(metricOf(r, "converted").comparisons[0]?.direction).toBe("better");
    expect(r.decision.recommendation).not.toBe("ship");
    expect(r.decision.reasons.join(" ")).toContain("guardrail errors");
  });
});
