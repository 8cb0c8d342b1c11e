import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { experiments } from "./experiments.table.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.request("POST", "/api/v1/metrics", {
    body: { key: "purchase", name: "Purchase", eventName: "purchase", type: "binomial" },
  });
  await t.request("POST", "/api/v1/metrics", {
    body: { key: "revenue", name: "Revenue", eventName: "purchase", type: "sum", cap: 500 },
  });
  await t.request("POST", "/api/v1/layers", { body: { key: "checkout-layer", name: "Checkout" } });
});
afterAll(() => t.close());

const base = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: `Experiment ${key}`,
  variants: [
    { key: "control", weight: 0.5 },
    { key: "treatment", weight: 0.5, payload: { color: "green" } },
  ],
  ...extra,
});

async function count(): Promise<number> {
  return (await t.db.select().from(experiments)).length;
}

async function auditActions(key: string): Promise<string[]> {
  const res = await t.request("GET", `/api/v1/audit?entityType=experiment&entityKey=${key}`);
  return res.body.entries.map((e: { action: string }) => e.action);
}

describe("experiments: create, read, list", () => {
  it("creates a draft with defaults and every field, reads it back and lists it", async () => {
    const created = await t.request("POST", "/api/v1/experiments", {
      body: base("new-checkout", {
        hypothesis: "A shorter checkout raises conversion",
        unitAttribute: "userId",
        coverage: 0.5,
        layer: { key: "checkout-layer", range: [0, 0.5] },
        condition: { country: { $in: ["US", "CA"] }, $or: [{ age: { $gte: 18 } }, { beta: true }] },
        forced: { "qa-user": "treatment" },
        primaryMetrics: ["purchase"],
        guardrailMetrics: ["revenue"],
        analysis: { alpha: 0.01, sequential: true, correction: "bh" },
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: "new-checkout",
      status: "draft",
      seed: "new-checkout",
      hashVersion: 1,
      unitAttribute: "userId",
      coverage: 0.5,
      layer: { key: "checkout-layer", range: [0, 0.5] },
      forced: { "qa-user": "treatment" },
      primaryMetrics: ["purchase"],
      guardrailMetrics: ["revenue"],
      analysis: { alpha: 0.01, sequential: true, correction: "bh" },
      decision: null,
      startedAt: null,
    });
    expect(created.body.variants).toEqual([
      { key: "control", name: "control", weight: 0.5 },
      { key: "treatment", name: "treatment", weight: 0.5, payload: { color: "green" } },
    ]);

    const read = await t.request("GET", "/api/v1/experiments/new-checkout");
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const list = await t.request("GET", "/api/v1/experiments?status=draft");
    expect(list.body.experiments.map((e: { key: string }) => e.key)).toContain("new-checkout");
    const running = await t.request("GET", "/api/v1/experiments?status=running");
    expect(running.body.experiments.map((e: { key: string }) => e.key)).not.toContain("new-checkout");
    expect(await auditActions("new-checkout")).toEqual(["experiment.create"]);
  });

  it("splits traffic equally when no weights are given and applies defaults", async () => {
    const res = await t.request("POST", "/api/v1/experiments", {
      body: {
        key: "three-way",
        name: "Three",
        variants: [{ key: "a" }, { key: "b" }, { key: "c", name: "C!" }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.variants.map((v: { weight: number }) => v.weight)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(res.body.variants[2].name).toBe("C!");
    expect(res.body).toMatchObject({
      unitAttribute: "id",
      coverage: 1,
      layer: null,
      condition: null,
      forced: {},
      analysis: { alpha: 0.05, sequential: false, correction: "holm" },
    });
  });

  it("accepts every targeting operator in nested conditions", async () => {
    const condition = {
      email: { $regex: "@corp\\.com$" },
      plan: { $exists: true, $nin: ["free"] },
      age: { $not: { $lt: 18 } },
      $and: [{ country: { $ne: "FR" } }, { score: { $gt: 1, $lte: 9.5 } }],
      $not: { banned: true },
      tier: { $eq: "gold" },
      seats: { $gte: 2, $in: [2, 5, 10] },
    };
    const res = await t.request("POST", "/api/v1/experiments", { body: base("all-ops", { condition }) });
    expect(res.status).toBe(201);
    expect(res.body.condition).toEqual(condition);
  });

  it.each([
    ["missing name", { key: "x1", variants: base("x").variants }, "name"],
    ["bad key", base("Bad Key"), "key"],
    ["one variant", base("x2", { variants: [{ key: "a" }] }), "variants"],
    [
      "eleven variants",
      base("x3", { variants: Array.from({ length: 11 }, (_, i) => ({ key: `v${i}` })) }),
      "variants",
    ],
    ["duplicate variant", base("x4", { variants: [{ key: "a" }, { key: "a" }] }), "variants.1.key"],
    [
      "weights not summing to 1",
      base("x5", {
        variants: [
          { key: "a", weight: 0.5 },
          { key: "b", weight: 0.6 },
        ],
      }),
      "sum to 1",
    ],
    ["some weights", base("x6", { variants: [{ key: "a", weight: 0.5 }, { key: "b" }] }), "every variant"],
    ["coverage above 1", base("x7", { coverage: 1.5 }), "coverage"],
    [
      "layer range reversed",
      base("x8", { layer: { key: "checkout-layer", range: [0.6, 0.2] } }),
      "layer.range",
    ],
    ["unknown operator", base("x9", { condition: { age: { $between: [1, 2] } } }), "condition.age.$between"],
    ["$in without array", base("x10", { condition: { country: { $in: "US" } } }), "condition.country.$in"],
    ["bad regex", base("x11", { condition: { email: { $regex: "(" } } }), "condition.email.$regex"],
    ["empty $or", base("x12", { condition: { $or: [] } }), "condition.$or"],
    ["forced to unknown variant", base("x13", { forced: { u1: "nope" } }), "forced.u1"],
    ["unknown field", base("x14", { colour: "red" }), "colour"],
    ["bad alpha", base("x15", { analysis: { alpha: 0.9 } }), "analysis.alpha"],
  ])("400 for %s, naming %s, nothing stored", async (_name, body, field) => {
    const before = await count();
    const res = await t.request("POST", "/api/v1/experiments", { body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toContain(field);
    expect(await count()).toBe(before);
  });

  it("400 for references that do not exist (layer, metrics), nothing stored", async () => {
    const before = await count();
    const layer = await t.request("POST", "/api/v1/experiments", {
      body: base("ref-1", { layer: { key: "no-such-layer", range: [0, 0.1] } }),
    });
    expect(layer.status).toBe(400);
    expect(layer.body.error.message).toContain("layer.key");
    const metric = await t.request("POST", "/api/v1/experiments", {
      body: base("ref-2", { primaryMetrics: ["purchase", "nope"] }),
    });
    expect(metric.status).toBe(400);
    expect(metric.body.error.message).toMatch(/primaryMetrics\.1.*"nope"/);
    expect(await count()).toBe(before);
  });

  it("409 for a duplicate key, 404 for an unknown one, 401 without a token", async () => {
    await t.request("POST", "/api/v1/experiments", { body: base("dup") });
    const dup = await t.request("POST", "/api/v1/experiments", { body: base("dup", { name: "other" }) });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('"dup" already exists');
    expect((await t.request("GET", "/api/v1/experiments/dup")).body.name).toBe("Experiment dup");

    const missing = await t.request("GET", "/api/v1/experiments/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('experiment "nope"');
    expect((await t.request("GET", "/api/v1/experiments/Not%20A%20Slug")).status).toBe(400);
    expect((await t.request("GET", "/api/v1/experiments", { token: null })).status).toBe(401);
    expect((await t.request("POST", "/api/v1/experiments", { token: null, body: base("anon") })).status).toBe(
      401,
    );
    expect((await t.request("GET", "/api/v1/experiments?status=bogus")).status).toBe(400);
  });
});

describe("experiments: lifecycle and the rules that protect results", () => {
  it("concurrent creates of one key: exactly one 201, the others 409", async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.request("POST", "/api/v1/experiments", { body: base("race", { name: `r${i}` }) }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "conflict")).toBe(true);
  });

  it("draft accepts any change; start; running refuses weight/variant changes with a reason; coverage only up", async () => {
    await t.request("POST", "/api/v1/experiments", { body: base("life", { coverage: 0.2 }) });
    const edited = await t.request("PATCH", "/api/v1/experiments/life", {
      body: {
        variants: [
          { key: "control", weight: 0.7 },
          { key: "treatment", weight: 0.3 },
        ],
        coverage: 0.1,
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.coverage).toBe(0.1);
    expect(edited.body.variants.map((v: { weight: number }) => v.weight)).toEqual([0.7, 0.3]);

    const started = await t.request("POST", "/api/v1/experiments/life/start");
    expect(started.status).toBe(200);
    expect(started.body.status).toBe("running");
    expect(started.body.startedAt).toEqual(expect.any(String));
    expect((await t.request("POST", "/api/v1/experiments/life/start")).status).toBe(409);

    const weights = await t.request("PATCH", "/api/v1/experiments/life", {
      body: {
        variants: [
          { key: "control", weight: 0.5 },
          { key: "treatment", weight: 0.5 },
        ],
      },
    });
    expect(weights.status).toBe(409);
    expect(weights.body.error.message).toContain("cannot change");
    expect(weights.body.error.message).toContain("move users between variants");
    const addVariant = await t.request("PATCH", "/api/v1/experiments/life", {
      body: { variants: [{ key: "control" }, { key: "treatment" }, { key: "third" }] },
    });
    expect(addVariant.status).toBe(409);
    const seed = await t.request("PATCH", "/api/v1/experiments/life", { body: { seed: "other" } });
    expect(seed.status).toBe(409);
    const down = await t.request("PATCH", "/api/v1/experiments/life", { body: { coverage: 0.05 } });
    expect(down.status).toBe(409);
    expect(down.body.error.message).toContain("may only go up");

    const unchangedVariants = await t.request("PATCH", "/api/v1/experiments/life", {
      body: {
        name: "Renamed",
        coverage: 0.8,
        forced: { qa: "control" },
        variants: [
          { key: "control", name: "Control", weight: 0.7 },
          { key: "treatment", weight: 0.3 },
        ],
      },
    });
    expect(unchangedVariants.status).toBe(200);
    expect(unchangedVariants.body).toMatchObject({
      name: "Renamed",
      coverage: 0.8,
      forced: { qa: "control" },
    });

    const stored = await t.request("GET", "/api/v1/experiments/life");
    expect(stored.body.variants.map((v: { weight: number }) => v.weight)).toEqual([0.7, 0.3]);
    expect(stored.body.coverage).toBe(0.8);
  });

  it("start may be backdated (at most 90 days, never in the future); a bad startedAt is a 400 naming it and starts nothing", async () => {
    await t.request("POST", "/api/v1/experiments", { body: base("backdated") });
    const future = await t.request("POST", "/api/v1/experiments/backdated/start", {
      body: { startedAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(future.status).toBe(400);
    expect(future.body.error.message).toContain("startedAt");
    const tooOld = await t.request("POST", "/api/v1/experiments/backdated/start", {
      body: { startedAt: new Date(Date.now() - 91 * 86_400_000).toISOString() },
    });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.error.message).toContain("90 days");
    const notADate = await t.request("POST", "/api/v1/experiments/backdated/start", {
      body: { startedAt: "last tuesday" },
    });
    expect(notADate.status).toBe(400);
    expect((await t.request("GET", "/api/v1/experiments/backdated")).body.status).toBe("draft");

    const startedAt = new Date(Date.now() - 14 * 86_400_000).toISOString();
    const started = await t.request("POST", "/api/v1/experiments/backdated/start", { body: { startedAt } });
    expect(started.status).toBe(200);
    expect(started.body.startedAt).toBe(startedAt);
    expect((await t.request("GET", "/api/v1/experiments/backdated")).body.startedAt).toBe(startedAt);
  });

  it("stop needs a decision (ship needs a known variant), archive needs stopped or draft", async () => {
    await t.request("POST", "/api/v1/experiments", { body: base("stopper") });
    expect(
      (await t.request("POST", "/api/v1/experiments/stopper/stop", { body: { decision: "rollback" } }))
        .status,
    ).toBe(409);
    await t.request("POST", "/api/v1/experiments/stopper/start");
    expect((await t.request("POST", "/api/v1/experiments/stopper/archive")).status).toBe(409);

    const noDecision = await t.request("POST", "/api/v1/experiments/stopper/stop", { body: { note: "x" } });
    expect(noDecision.status).toBe(400);
    expect(noDecision.body.error.message).toContain("decision");
    const noVariant = await t.request("POST", "/api/v1/experiments/stopper/stop", {
      body: { decision: "ship" },
    });
    expect(noVariant.status).toBe(400);
    expect(noVariant.body.error.message).toContain("variant");
    const unknownVariant = await t.request("POST", "/api/v1/experiments/stopper/stop", {
      body: { decision: "ship", variant: "nope" },
    });
    expect(unknownVariant.status).toBe(400);
    expect(unknownVariant.body.error.message).toContain('no variant "nope"');
    expect((await t.request("GET", "/api/v1/experiments/stopper")).body.status).toBe("running");

    const stopped = await t.request("POST", "/api/v1/experiments/stopper/stop", {
      body: { decision: "ship", variant: "treatment", note: "clear win on purchase" },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      status: "stopped",
      decision: { outcome: "ship", variant: "treatment", note: "clear win on purchase" },
    });
    expect((await t.request("PATCH", "/api/v1/experiments/stopper", { body: { coverage: 1 } })).status).toBe(
      409,
    );
    expect(
      (await t.request("PATCH", "/api/v1/experiments/stopper", { body: { hypothesis: "learned" } })).status,
    ).toBe(200);

    const archived = await t.request("POST", "/api/v1/experiments/stopper/archive");
    expect(archived.status).toBe(200);
    expect(archived.body.status).toBe("archived");
    expect((await t.request("PATCH", "/api/v1/experiments/stopper", { body: { name: "x" } })).status).toBe(
      409,
    );
    expect((await t.request("POST", "/api/v1/experiments/nope/start")).status).toBe(404);

    expect(await auditActions("stopper")).toEqual([
      "experiment.archive",
      "experiment.update",
      "experiment.stop",
      "experiment.start",
      "experiment.create",
    ]);
    const entries = (await t.request("GET", "/api/v1/audit?entityType=experiment&entityKey=stopper")).body
      .entries;
    const stop = entries.find((e: { action: string }) => e.action === "experiment.stop");
    expect(stop.actor).toBe("env:ADMIN_TOKEN");
    expect(stop.before.status).toBe("running");
    expect(stop.after.status).toBe("stopped");
  });

  it("refuses overlapping layer slices (409 naming the other experiment); stopped ones free their slice", async () => {
    await t.request("POST", "/api/v1/layers", { body: { key: "nav", name: "Navigation" } });
    const a = await t.request("POST", "/api/v1/experiments", {
      body: base("nav-a", { layer: { key: "nav", range: [0, 0.4] } }),
    });
    expect(a.status).toBe(201);
    const before = await count();
    const b = await t.request("POST", "/api/v1/experiments", {
      body: base("nav-b", { layer: { key: "nav", range: [0.3, 0.6] } }),
    });
    expect(b.status).toBe(409);
    expect(b.body.error.message).toContain('"nav-a"');
    expect(await count()).toBe(before);
    const adjacent = await t.request("POST", "/api/v1/experiments", {
      body: base("nav-c", { layer: { key: "nav", range: [0.4, 0.6] } }),
    });
    expect(adjacent.status).toBe(201);
    const moveInto = await t.request("PATCH", "/api/v1/experiments/nav-c", {
      body: { layer: { key: "nav", range: [0.1, 0.5] } },
    });
    expect(moveInto.status).toBe(409);

    await t.request("POST", "/api/v1/experiments/nav-a/start");
    const moveRunning = await t.request("PATCH", "/api/v1/experiments/nav-a", {
      body: { layer: { key: "nav", range: [0, 0.2] } },
    });
    expect(moveRunning.status).toBe(409);
    expect(moveRunning.body.error.message).toContain("layer slice of a running experiment");
    await t.request("POST", "/api/v1/experiments/nav-a/stop", { body: { decision: "inconclusive" } });
    const reuse = await t.request("POST", "/api/v1/experiments", {
      body: base("nav-d", { layer: { key: "nav", range: [0, 0.4] } }),
    });
    expect(reuse.status).toBe(201);

    const layer = await t.request("GET", "/api/v1/layers/nav");
    expect(layer.body.experiments.map((e: { key: string }) => e.key).sort()).toEqual([
      "nav-a",
      "nav-c",
      "nav-d",
    ]);
  });
});
