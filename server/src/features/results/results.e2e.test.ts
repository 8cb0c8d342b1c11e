import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";

// End to end over HTTP: events posted through POST /api/v1/events, the background worker's
// refresh, the report from GET /results, compared with values derived from the dataset's rules
// here and p-values from R (server/test/reference/results-e2e.R).
const ref = JSON.parse(
  readFileSync(new URL("../../../test/reference/results-e2e.json", import.meta.url), "utf8"),
) as {
  control: number[];
  treatment: number[];
  revenueDifference: number;
  revenuePValue: number;
  boughtPValue: number;
};

let t: TestApp;
let sdkKey: string;
const HOUR = 3_600_000;
const ERASED = 11;
const MULTI = 13;

interface Unit {
  i: number;
  variant: "control" | "treatment";
  /** Purchases: [ms after the first counted exposure, value]. */
  purchases: [number, number][];
}

/** The dataset's rules: window edges (at the exposure counts, at +24 h or before does not), the cap. */
function dataset(): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < 40; i++) {
    const purchases: [number, number][] = [];
    if (i % 4 !== 0) purchases.push([HOUR, ((i * 37) % 61) + (i % 2 ? 6 : 0)]);
    if (i % 5 === 0) purchases.push([2 * HOUR, 80]); // over the cap of 50
    if (i === 3) purchases.push([0, 4]); // at the exposure instant: counts
    if (i === 4) purchases.push([24 * HOUR, 100]); // at the window's end: does not count
    if (i === 6) purchases.push([-1, 100]); // 1 ms before the exposure: does not count
    units.push({ i, variant: i % 2 === 0 ? "control" : "treatment", purchases });
  }
  return units;
}

async function post(events: unknown[]): Promise<void> {
  const res = await fetch(`${t.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${sdkKey}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { rejected: unknown[] }).rejected).toEqual([]);
}

beforeAll(async () => {
  t = await startTestApp();
  for (const body of [
    { key: "bought", name: "Bought", eventName: "purchase", type: "binomial", windowHours: 24 },
    { key: "revenue", name: "Revenue", eventName: "purchase", type: "sum", windowHours: 24, cap: 50 },
  ]) {
    expect((await t.request("POST", "/api/v1/metrics", { body })).status).toBe(201);
  }
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "e2e", environment: "production" },
  });
  sdkKey = key.body.token;
  const created = await t.request("POST", "/api/v1/experiments", {
    body: {
      key: "e2e",
      name: "E2E",
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      primaryMetrics: ["bought"],
      guardrailMetrics: ["revenue"],
    },
  });
  expect(created.status).toBe(201);
  expect((await t.request("POST", "/api/v1/experiments/e2e/start")).status).toBe(200);
  // Started three days ago, so that events up to a day after the exposures are in the past.
  await t.db.execute(sql`update experiments set started_at = now() - interval '3 days' where key = 'e2e'`);
}, 60_000);
afterAll(() => t.close());

describe("results end to end over HTTP", () => {
  it("counts exactly what the rules say, with R's p-values, after late events and an erasure", async () => {
    const started = Date.parse((await t.request("GET", "/api/v1/experiments/e2e")).body.startedAt);
    const base = started + 1000;
    const units = dataset();
    const at = (ms: number) => new Date(ms).toISOString();
    const first = (u: Unit) => base + u.i * 1000;
    const events: unknown[] = [];
    for (const u of units) {
      const exposure = { type: "exposure", experiment: "e2e", unitId: `u${u.i}`, variant: u.variant };
      events.push({ ...exposure, id: randomUUID(), timestamp: at(first(u)) });
      // 30 min before the start (beyond the 5 min clock skew): not counted, the unit counts from the next.
      if (u.i === 7) events.push({ ...exposure, id: randomUUID(), timestamp: at(started - 30 * 60_000) });
      if (u.i === MULTI) {
        events.push({ ...exposure, id: randomUUID(), variant: "control", timestamp: at(first(u) + 1000) });
      }
      for (const [offset, value] of u.purchases) {
        events.push({
          type: "track",
          id: randomUUID(),
          name: "purchase",
          unitId: `u${u.i}`,
          timestamp: at(first(u) + offset),
          value,
        });
      }
    }
    await post(events);
    expect(await t.instance.refresher.refresh("e2e")).not.toBeNull();
    // Late: a purchase of u9 arrives after the refresh; the unit u11 is erased.
    const late = units.find((u) => u.i === 9);
    late?.purchases.push([3 * HOUR, 10]);
    await post([
      {
        type: "track",
        id: randomUUID(),
        name: "purchase",
        unitId: "u9",
        timestamp: at(base + 9000 + 3 * HOUR),
        value: 10,
      },
    ]);
    expect((await t.request("DELETE", `/api/v1/units/u${ERASED}`)).status).toBeLessThan(300);
    expect(await t.instance.refresher.refresh("e2e")).not.toBeNull();

    // Expected per-unit values from the rules (window [first, first + 24 h), cap 50).
    const counted = units.filter((u) => u.i !== ERASED && u.i !== MULTI);
    const value = (u: Unit) => {
      const inWindow = u.purchases.filter(([o]) => o >= 0 && o < 24 * HOUR);
      return {
        revenue: Math.min(
          50,
          inWindow.reduce((a, [, v]) => a + v, 0),
        ),
        bought: inWindow.length > 0,
      };
    };
    const of = (variant: string) => counted.filter((u) => u.variant === variant).map(value);
    const control = of("control");
    const treatment = of("treatment");
    // The same data went to R.
    expect(control.map((v) => v.revenue)).toEqual(ref.control);
    expect(treatment.map((v) => v.revenue)).toEqual(ref.treatment);

    const r = (await t.request("GET", "/api/v1/experiments/e2e/results")).body;
    expect(r.units).toEqual([
      { variant: "control", units: control.length },
      { variant: "treatment", units: treatment.length },
    ]);
    expect(r.multipleExposures).toBe(1);
    expect(r.excluded).toMatchObject({ beforeStart: 0, afterStop: 0 });
    const metric = (k: string) => r.metrics.find((m: { metric: string }) => m.metric === k);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(metric("revenue").variants.map((v: { sum: number }) => v.sum)).toEqual([
      sum(control.map((v) => v.revenue)),
      sum(treatment.map((v) => v.revenue)),
    ]);
    expect(metric("bought").variants.map((v: { conversions: number }) => v.conversions)).toEqual([
      control.filter((v) => v.bought).length,
      treatment.filter((v) => v.bought).length,
    ]);
    const revenue = metric("revenue").comparisons[0];
    // R: t.test(treatment, control) (Welch)
    expect(revenue.absolute.estimate).toBeCloseTo(ref.revenueDifference, 9);
    expect(revenue.pValue).toBeCloseTo(ref.revenuePValue, 9);
    // R: prop.test(c(x_t, x_c), c(n_t, n_c), correct = FALSE)
    expect(metric("bought").comparisons[0].pValue).toBeCloseTo(ref.boughtPValue, 9);

    // After the erasure and the late event, the incremental rows equal a full rebuild.
    expect(await t.instance.refresher.refresh("e2e", { full: true })).not.toBeNull();
    const full = (await t.request("GET", "/api/v1/experiments/e2e/results")).body;
    expect(full.metrics).toEqual(r.metrics);
  });
});
