import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { layers } from "./layers.table.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe("/api/v1/layers", () => {
  it("creates, reads (with member slices), lists and renames a layer", async () => {
    const created = await t.request("POST", "/api/v1/layers", { body: { key: "search", name: "Search" } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: "search", name: "Search", description: "", experiments: [] });
    await t.request("POST", "/api/v1/experiments", {
      body: {
        key: "ranker",
        name: "Ranker",
        variants: [{ key: "a" }, { key: "b" }],
        layer: { key: "search", range: [0.5, 1] },
      },
    });
    const read = await t.request("GET", "/api/v1/layers/search");
    expect(read.body.experiments).toEqual([{ key: "ranker", status: "draft", range: [0.5, 1] }]);
    const renamed = await t.request("PATCH", "/api/v1/layers/search", {
      body: { description: "search page tests" },
    });
    expect(renamed.body).toMatchObject({ name: "Search", description: "search page tests" });
    const list = await t.request("GET", "/api/v1/layers");
    expect(list.body.layers).toHaveLength(1);
    const audit = await t.request("GET", "/api/v1/audit?entityType=layer");
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      "layer.update",
      "layer.create",
    ]);
  });

  it("400 / 404 / 409 / 401 with clear messages, nothing stored", async () => {
    const before = (await t.db.select().from(layers)).length;
    const noName = await t.request("POST", "/api/v1/layers", { body: { key: "x" } });
    expect(noName.status).toBe(400);
    expect(noName.body.error.message).toContain("name");
    const badKey = await t.request("POST", "/api/v1/layers", { body: { key: "-x", name: "X" } });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details.issues[0].path).toBe("key");
    await t.request("POST", "/api/v1/layers", { body: { key: "dup", name: "Dup" } });
    const dup = await t.request("POST", "/api/v1/layers", { body: { key: "dup", name: "Again" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('layer "dup" already exists');
    expect((await t.db.select().from(layers)).length).toBe(before + 1);
    expect((await t.request("GET", "/api/v1/layers/none")).status).toBe(404);
    expect((await t.request("PATCH", "/api/v1/layers/dup", { body: { key: "other" } })).status).toBe(400);
    expect((await t.request("GET", "/api/v1/layers", { token: null })).status).toBe(401);
  });
});
