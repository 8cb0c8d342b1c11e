import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { contractProblems } from "../../http/contract-check.js";
import { resultsReportResponse } from "./report.schema.js";

// Real reports, built over HTTP from data sent the way the SDK sends it, checked against the
// contract the UI and /api/openapi.json use. Runs on PGlite, and on PostgreSQL with DATABASE_URL.
let t: TestApp;
let sdkKey: string;

const VARIANTS = ["control", "t1", "t2"];
const COUNTRIES = ["FR", "US", "DE"];

async function post(path: string, body: unknown, token?: string) {
  const res = await t.request("POST", path, { body, ...(token ? { token } : {}) });
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp();
  sdkKey = (await post("/api/v1/keys", { kind: "sdk", name: "web", environment: "production" })).token;
  await post("/api/v1/metrics", {
    key: "converted",
    name: "Converted",
    eventName: "purchase",
    type: "binomial",
  });
  await post("/api/v1/metrics", { key: "revenue", name: "Revenue", eventName: "purchase", type: "sum" });
  await post("/api/v1/metrics", { key: "basket", name: "Basket", eventName: "purchase", type: "mean" });
  await post("/api/v1/experiments", {
    key: "checkout",
    name: "Checkout",
    variants: VARIANTS.map((key) => ({ key })),
    primaryMetrics: ["converted"],
    guardrailMetrics: ["revenue", "basket"],
    analysis: { sequential: true, correction: "holm" },
  });
  await post("/api/v1/experiments/checkout/start", undefined);
  await post("/api/v1/experiments", { key: "empty", name: "Empty", variants: [{ key: "a" }, { key: "b" }] });
  await post("/api/v1/experiments/empty/start", undefined);

  await new Promise((r) => setTimeout(r, 20)); // exposures strictly after startedAt
  const now = Date.now();
  const events = [];
  for (let i = 0; i < 90; i++) {
    const unitId = `u${i}`;
    events.push({
      id: randomUUID(),
      type: "exposure",
      experiment: "checkout",
      variant: VARIANTS[i % 3],
      unitId,
      timestamp: new Date(now).toISOString(),
      attributes: { country: COUNTRIES[Math.floor(i / 3) % 3] },
    });
    if (i % 2 === 0) {
      events.push({
        id: randomUUID(),
        type: "track",
        name: "purchase",
        unitId,
        timestamp: new Date(now + 1000).toISOString(),
        value: 10 + (i % 7),
      });
    }
  }
  const ack = await post("/api/v1/events", { events }, sdkKey);
  expect(ack).toMatchObject({ accepted: events.length, rejected: [] });
  // What the background worker does after its next tick.
  await t.instance.refresher.refresh("checkout");
  await t.instance.refresher.refresh("empty");
}, 120_000);
afterAll(() => t.close());

describe("results report contract", () => {
  it("a report over real data (3 variants, sequential, three metric types) matches the schema exactly", async () => {
    const res = await t.request("GET", "/api/v1/experiments/checkout/results");
    expect(res.status).toBe(200);
    expect(contractProblems(resultsReportResponse, res.body)).toEqual([]);
    // What the schema was checked on: real counts, and the optional parts present.
    expect(res.body.units).toEqual(VARIANTS.map((variant) => ({ variant, units: 30 })));
    expect(res.body.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      "converted",
      "revenue",
      "basket",
    ]);
    expect(res.body.metrics[0].chiSquare).toBeDefined();
    expect(res.body.metrics[0].comparisons[0].sequential).toBeDefined();
    expect(res.body.series.length).toBeGreaterThan(0);
    expect(res.body.freshness.state).toBe("ready");
  });

  it("a report that queued a full rebuild (?refresh=full, with its job state) matches the schema", async () => {
    const res = await t.request("GET", "/api/v1/experiments/checkout/results?refresh=full");
    expect(res.status).toBe(200);
    expect(contractProblems(resultsReportResponse, res.body)).toEqual([]);
    expect(res.body.freshness.job.state).toMatch(/^(queued|running|done)$/);
  });

  it("a breakdown by an exposure attribute matches the schema", async () => {
    const res = await t.request("GET", "/api/v1/experiments/checkout/results?dimension=country");
    expect(res.status).toBe(200);
    expect(contractProblems(resultsReportResponse, res.body)).toEqual([]);
    expect(res.body.breakdown.segments.map((s: { segment: string }) => s.segment).sort()).toEqual(
      COUNTRIES.sort(),
    );
  });

  it("a report without data or metrics matches the schema", async () => {
    const res = await t.request("GET", "/api/v1/experiments/empty/results");
    expect(res.status).toBe(200);
    expect(contractProblems(resultsReportResponse, res.body)).toEqual([]);
    expect(res.body.decision.recommendation).toBe("not-enough-data");
  });

  it("the check names a retyped, a missing and an undocumented field", async () => {
    const { body } = await t.request("GET", "/api/v1/experiments/checkout/results");
    const broken = structuredClone(body);
    broken.srm.pValue = "0.5";
    delete broken.power.test;
    broken.metrics[0].comparisons[0].winProbability = 0.9;
    const problems = contractProblems(resultsReportResponse, broken);
    expect(problems.join("\n")).toContain("$.srm.pValue");
    expect(problems.join("\n")).toContain("$.power.test");
    const { srm: _s, power: _p, ...rest } = broken;
    const onlyExtra = contractProblems(resultsReportResponse, { ...rest, srm: body.srm, power: body.power });
    expect(onlyExtra).toEqual(["$.metrics[0].comparisons[0].winProbability: not in the response schema"]);
  });
});
