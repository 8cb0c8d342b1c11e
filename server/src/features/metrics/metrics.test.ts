import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { metrics } from "./metrics.table.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const count = async () => (await t.db.select().from(metrics)).length;

describe("/api/v1/metrics", () => {
  it("creates with defaults, reads, lists, updates and audits", async () => {
    const created = await t.request("POST", "/api/v1/metrics", {
      body: {
        key: "revenue",
        name: "Revenue",
        eventName: "purchase",
        type: "sum",
        cap: 1000,
        direction: "increase",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: "revenue",
      eventName: "purchase",
      type: "sum",
      windowHours: 72,
      direction: "increase",
      cap: 1000,
      description: "",
    });
    const latency = await t.request("POST", "/api/v1/metrics", {
      body: {
        key: "latency",
        name: "Latency",
        eventName: "page_load",
        type: "mean",
        direction: "decrease",
        windowHours: 24,
      },
    });
    expect(latency.body).toMatchObject({ direction: "decrease", windowHours: 24, cap: null });

    expect((await t.request("GET", "/api/v1/metrics/revenue")).body).toEqual(created.body);
    const list = await t.request("GET", "/api/v1/metrics");
    expect(list.body.metrics.map((m: { key: string }) => m.key)).toEqual(["latency", "revenue"]);

    const updated = await t.request("PATCH", "/api/v1/metrics/revenue", {
      body: { windowHours: 168, cap: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ windowHours: 168, cap: null, name: "Revenue" });
    const audit = await t.request("GET", "/api/v1/audit?entityType=metric&entityKey=revenue");
    expect(audit.body.entries[0]).toMatchObject({
      action: "metric.update",
      before: { cap: 1000 },
      after: { cap: null },
    });
  });

  it.each([
    ["unknown type", { key: "m1", name: "M", eventName: "e", type: "median" }, "type"],
    ["missing event name", { key: "m2", name: "M", type: "count" }, "eventName"],
    ["cap on binomial", { key: "m3", name: "M", eventName: "e", type: "binomial", cap: 5 }, "cap"],
    ["negative cap", { key: "m4", name: "M", eventName: "e", type: "sum", cap: -1 }, "cap"],
    ["window of 0", { key: "m5", name: "M", eventName: "e", type: "count", windowHours: 0 }, "windowHours"],
    [
      "fractional window",
      { key: "m6", name: "M", eventName: "e", type: "count", windowHours: 1.5 },
      "windowHours",
    ],
    ["bad direction", { key: "m7", name: "M", eventName: "e", type: "count", direction: "up" }, "direction"],
  ])("400 for %s naming %s, nothing stored", async (_name, body, field) => {
    const before = await count();
    const res = await t.request("POST", "/api/v1/metrics", { body });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(field);
    expect(await count()).toBe(before);
  });

  it("409 on a duplicate key, 404 on unknown, 400 when a patch would cap a binomial metric, 401 without token", async () => {
    await t.request("POST", "/api/v1/metrics", {
      body: { key: "conv", name: "Conv", eventName: "buy", type: "binomial" },
    });
    const dup = await t.request("POST", "/api/v1/metrics", {
      body: { key: "conv", name: "X", eventName: "x", type: "count" },
    });
    expect(dup.status).toBe(409);
    expect((await t.request("GET", "/api/v1/metrics/conv")).body.name).toBe("Conv");
    expect((await t.request("GET", "/api/v1/metrics/none")).status).toBe(404);
    expect((await t.request("PATCH", "/api/v1/metrics/none", { body: { name: "x" } })).status).toBe(404);
    const cap = await t.request("PATCH", "/api/v1/metrics/conv", { body: { cap: 3 } });
    expect(cap.status).toBe(400);
    expect(cap.body.error.message).toContain("cap");
    expect((await t.request("GET", "/api/v1/metrics/conv")).body.cap).toBeNull();
    expect((await t.request("GET", "/api/v1/metrics", { token: null })).status).toBe(401);
  });
});
