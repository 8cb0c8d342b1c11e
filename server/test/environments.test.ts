/**
 * Environments end to end over HTTP (PGlite, or PostgreSQL with DATABASE_URL): experiments are
 * enabled per environment, an SDK key's config holds its environment's experiments only,
 * ingestion stores the sending key's environment, and results report one environment at a time
 * (default production). Expected counts and sums follow from the events posted here.
 */
import { randomUUID } from "node:crypto";
import type { SdkConfig } from "@splitlab/sdk/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-app.js";

let t: TestApp;
const keys: Record<"production" | "staging" | "qa", string> = { production: "", staging: "", qa: "" };

const variants = [
  { key: "control", weight: 0.5 },
  { key: "treatment", weight: 0.5 },
];

async function create(key: string, extra: Record<string, unknown> = {}) {
  return t.request("POST", "/api/v1/experiments", {
    body: { key, name: key, variants, primaryMetrics: ["orders"], ...extra },
  });
}

async function start(key: string): Promise<void> {
  expect((await t.request("POST", `/api/v1/experiments/${key}/start`)).status).toBe(200);
}

async function configKeys(token: string, form: "header" | "path"): Promise<string[]> {
  const res =
    form === "header"
      ? await t.request<SdkConfig>("GET", "/api/v1/sdk/config", { token })
      : await t.request<SdkConfig>("GET", `/api/v1/sdk/config/${encodeURIComponent(token)}`, { token: null });
  expect(res.status).toBe(200);
  return res.body.experiments.map((e) => e.key);
}

async function post(token: string, events: unknown[]): Promise<void> {
  const res = await t.request("POST", "/api/v1/events", { token, body: { events } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.rejected).toEqual([]);
}

/** An exposure now and, when `value` is given, a purchase of that value one second later. */
function visit(experiment: string, unitId: string, variant: string, value?: number, country = "DE") {
  const at = Date.now();
  const events: unknown[] = [
    {
      id: randomUUID(),
      type: "exposure",
      experiment,
      variant,
      unitId,
      timestamp: new Date(at).toISOString(),
      attributes: { country },
    },
  ];
  if (value !== undefined) {
    events.push({
      id: randomUUID(),
      type: "track",
      name: "purchase",
      unitId,
      timestamp: new Date(at + 1000).toISOString(),
      value,
    });
  }
  return events;
}

beforeAll(async () => {
  t = await startTestApp();
  const metric = { key: "orders", name: "Orders", eventName: "purchase", type: "sum", windowHours: 24 };
  expect((await t.request("POST", "/api/v1/metrics", { body: metric })).status).toBe(201);
  for (const environment of ["production", "staging", "qa"] as const) {
    const res = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: environment, environment },
    });
    expect(res.status).toBe(201);
    keys[environment] = res.body.token;
  }
}, 60_000);
afterAll(() => t.close());

describe("experiments are enabled per environment", () => {
  it("defaults to every known environment (built-in and SDK key environments) and audits changes", async () => {
    const created = await create("everywhere");
    expect(created.status).toBe(201);
    expect(created.body.environments).toEqual(["production", "qa", "staging"]);
    const patched = await t.request("PATCH", "/api/v1/experiments/everywhere", {
      body: { environments: ["staging"] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.environments).toEqual(["staging"]);
    const audit = await t.request("GET", "/api/v1/audit?entityType=experiment&entityKey=everywhere");
    const update = audit.body.entries.find((e: { action: string }) => e.action === "experiment.update");
    expect(update.before.environments).toEqual(["production", "qa", "staging"]);
    expect(update.after.environments).toEqual(["staging"]);
  });

  it("GET /api/v1/environments lists what an experiment may be enabled in (the editor's choices)", async () => {
    const res = await t.request("GET", "/api/v1/environments");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ environments: ["production", "qa", "staging"] });
    expect((await t.request("GET", "/api/v1/environments", { token: keys.qa })).status).toBe(403);
  });

  it("answers 400 naming the field for unknown, duplicate, empty or malformed environments, storing nothing", async () => {
    const unknown = await create("bad-env", { environments: ["production", "moon"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.issues).toEqual([
      { path: "environments.1", message: expect.stringContaining('unknown environment "moon"') },
    ]);
    for (const environments of [[], ["staging", "staging"], ["Prod!"]]) {
      const res = await create("bad-env", { environments });
      expect(res.status, JSON.stringify(environments)).toBe(400);
      expect(res.body.error.details.issues[0].path).toMatch(/^environments(\.0)?$/);
    }
    expect((await t.request("GET", "/api/v1/experiments/bad-env")).status).toBe(404);

    expect((await create("patched-badly", { environments: ["production"] })).status).toBe(201);
    const patch = await t.request("PATCH", "/api/v1/experiments/patched-badly", {
      body: { environments: ["staging", "mars"] },
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details.issues[0].path).toBe("environments.1");
    const after = await t.request("GET", "/api/v1/experiments/patched-badly");
    expect(after.body.environments).toEqual(["production"]);
  });
});

describe("the SDK config holds the key's environment's experiments", () => {
  it("a staging key does not receive a production-only experiment and vice versa (header and path forms)", async () => {
    expect((await create("prod-only", { environments: ["production"] })).status).toBe(201);
    expect((await create("stage-only", { environments: ["staging"] })).status).toBe(201);
    await start("prod-only");
    await start("stage-only");
    for (const form of ["header", "path"] as const) {
      expect(await configKeys(keys.production, form)).toEqual(["prod-only"]);
      expect(await configKeys(keys.staging, form)).toEqual(["stage-only"]);
      expect(await configKeys(keys.qa, form)).toEqual([]);
    }
    // An admin token (header form) gets production's config.
    const admin = await t.request<SdkConfig>("GET", "/api/v1/sdk/config");
    expect(admin.body.experiments.map((e) => e.key)).toEqual(["prod-only"]);
  });

  it("the ETag differs per environment and changes when an environment gains an experiment", async () => {
    const prod = await t.request("GET", "/api/v1/sdk/config", { token: keys.production });
    const stage = await t.request("GET", "/api/v1/sdk/config", { token: keys.staging });
    const prodTag = prod.headers.get("etag")!;
    expect(prodTag).not.toBe(stage.headers.get("etag"));
    const same = await t.request("GET", "/api/v1/sdk/config", {
      token: keys.production,
      headers: { "if-none-match": prodTag },
    });
    expect(same.status).toBe(304);

    const enable = await t.request("PATCH", "/api/v1/experiments/stage-only", {
      body: { environments: ["staging", "production"] },
    });
    expect(enable.status).toBe(200);
    const changed = await t.request<SdkConfig>("GET", "/api/v1/sdk/config", {
      token: keys.production,
      headers: { "if-none-match": prodTag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(prodTag);
    expect(changed.body.experiments.map((e) => e.key)).toEqual(["prod-only", "stage-only"]);
    // Staging's config did not change, so its ETag still answers 304.
    const stageAgain = await t.request("GET", "/api/v1/sdk/config", {
      token: keys.staging,
      headers: { "if-none-match": stage.headers.get("etag")! },
    });
    expect(stageAgain.status).toBe(304);
  });
});

describe("results report one environment", () => {
  // Production: p1..p4 (control, treatment, control, treatment) buying 10, 20, 30, 40.
  // Staging: s1, s2 (control, treatment) buying 100, 200, and "shared", a unit id seen in both
  // environments in different variants, buying 5 in production and 7 in staging: each
  // environment counts it once, in its own variant, and not as a multiple exposure.
  beforeAll(async () => {
    expect((await create("split", { environments: ["production", "staging"] })).status).toBe(201);
    await start("split");
    await post(keys.production, [
      ...visit("split", "p1", "control", 10),
      ...visit("split", "p2", "treatment", 20),
      ...visit("split", "p3", "control", 30, "FR"),
      ...visit("split", "p4", "treatment", 40, "FR"),
      ...visit("split", "shared", "control", 5),
    ]);
    await post(keys.staging, [
      ...visit("split", "s1", "control", 100, "US"),
      ...visit("split", "s2", "treatment", 200, "US"),
      ...visit("split", "shared", "treatment", 7, "US"),
    ]);
    expect(await t.instance.refresher.refresh("split", { full: true })).not.toBeNull();
  }, 60_000);

  const sums = (body: { metrics: { variants: { variant: string; units: number; sum: number }[] }[] }) =>
    Object.fromEntries(body.metrics[0]!.variants.map((v) => [v.variant, [v.units, v.sum]]));

  it("defaults to production: staging traffic does not appear in it", async () => {
    const res = await t.request("GET", "/api/v1/experiments/split/results");
    expect(res.status).toBe(200);
    expect(res.body.environment).toBe("production");
    expect(res.body.environments).toEqual(["production", "qa", "staging"]);
    expect(res.body.multipleExposures).toBe(0);
    expect(res.body.units).toEqual([
      { variant: "control", units: 3 },
      { variant: "treatment", units: 2 },
    ]);
    expect(sums(res.body)).toEqual({ control: [3, 45], treatment: [2, 60] });
  });

  it("?environment=staging reports staging's traffic only, breakdown included", async () => {
    const res = await t.request(
      "GET",
      "/api/v1/experiments/split/results?environment=staging&dimension=country",
    );
    expect(res.status).toBe(200);
    expect(res.body.environment).toBe("staging");
    expect(res.body.multipleExposures).toBe(0);
    expect(res.body.units).toEqual([
      { variant: "control", units: 1 },
      { variant: "treatment", units: 2 },
    ]);
    expect(sums(res.body)).toEqual({ control: [1, 100], treatment: [2, 207] });
    expect(res.body.breakdown.segments.map((s: { segment: string }) => s.segment)).toEqual(["US"]);
    const prodBreakdown = await t.request("GET", "/api/v1/experiments/split/results?dimension=country");
    expect(prodBreakdown.body.breakdown.segments.map((s: { segment: string }) => s.segment)).toEqual([
      "DE",
      "FR",
    ]);
  });

  it("an incremental refresh adds new traffic to its own environment only", async () => {
    await post(keys.staging, [
      ...visit("split", "s3", "control", 50, "US"),
      ...visit("split", "s1", "control", 1),
    ]);
    // p1 buys again, from production.
    await post(keys.production, [
      {
        id: randomUUID(),
        type: "track",
        name: "purchase",
        unitId: "p1",
        timestamp: new Date(Date.now() + 2000).toISOString(),
        value: 2,
      },
    ]);
    const outcome = await t.instance.refresher.refresh("split");
    expect(outcome?.mode).toBe("incremental");
    const staging = await t.request("GET", "/api/v1/experiments/split/results?environment=staging");
    // s1's second exposure is later than its first: its purchase 1 still counts in its window.
    expect(sums(staging.body)).toEqual({ control: [2, 151], treatment: [2, 207] });
    const production = await t.request("GET", "/api/v1/experiments/split/results");
    expect(sums(production.body)).toEqual({ control: [3, 47], treatment: [2, 60] });
  });

  it("the sequential chart's looks are per environment", async () => {
    await t.instance.refresher.computeLooks("split", "staging");
    const staging = await t.request("GET", "/api/v1/experiments/split/results?environment=staging");
    expect(staging.body.seriesBasis).toBe("looks");
    expect(staging.body.series.at(-1).units).toEqual([
      { variant: "control", units: 2 },
      { variant: "treatment", units: 2 },
    ]);
    // Production's looks are not staging's: until computed, production's series is the cohort one.
    const production = await t.request("GET", "/api/v1/experiments/split/results");
    expect(production.body.seriesBasis).toBe("first-exposure-cohorts");
    expect(production.body.series.at(-1).units).toEqual([
      { variant: "control", units: 3 },
      { variant: "treatment", units: 2 },
    ]);
  });

  it("a known environment without traffic reports nothing; unknown or malformed ones are 400 naming environment", async () => {
    const qa = await t.request("GET", "/api/v1/experiments/split/results?environment=qa");
    expect(qa.status).toBe(200);
    expect(qa.body.environment).toBe("qa");
    expect(qa.body.units).toEqual([
      { variant: "control", units: 0 },
      { variant: "treatment", units: 0 },
    ]);
    for (const bad of ["moon", "Prod!"]) {
      const res = await t.request(
        "GET",
        `/api/v1/experiments/split/results?environment=${encodeURIComponent(bad)}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.details.issues[0].path).toBe("query.environment");
    }
  });
});
