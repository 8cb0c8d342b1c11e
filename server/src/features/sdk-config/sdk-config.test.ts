import { assignVariant } from "@splitlab/sdk";
import type { SdkConfig } from "@splitlab/sdk/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from "../../../test/test-app.js";

let t: TestApp;
let sdkKey: string;
beforeAll(async () => {
  t = await startTestApp();
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "web", environment: "prod" },
  });
  sdkKey = key.body.token;
  await t.request("POST", "/api/v1/layers", { body: { key: "home", name: "Home" } });
  await t.request("POST", "/api/v1/experiments", {
    body: {
      key: "hero",
      name: "Hero",
      variants: [
        { key: "control", weight: 0.25 },
        { key: "big", weight: 0.75, payload: { size: 2 } },
      ],
      coverage: 0.5,
      layer: { key: "home", range: [0.1, 0.6] },
      condition: { country: { $in: ["US"] } },
      forced: { "qa-1": "big" },
      seed: "hero-seed",
      unitAttribute: "userId",
    },
  });
  await t.request("POST", "/api/v1/experiments", {
    body: { key: "draft-only", name: "Draft", variants: [{ key: "a" }, { key: "b" }] },
  });
});
afterAll(() => t.close());

const getConfig = (headers: Record<string, string> = {}) =>
  t.request<SdkConfig>("GET", "/api/v1/sdk/config", { token: sdkKey, headers });

describe("GET /api/v1/sdk/config", () => {
  it("serves only running experiments in the SDK shape, with a strong ETag and 304 on If-None-Match", async () => {
    const empty = await getConfig();
    expect(empty.status).toBe(200);
    expect(empty.body.experiments).toEqual([]);
    const emptyTag = empty.headers.get("etag")!;
    expect(emptyTag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(emptyTag).toBe(`"${empty.body.version}"`);

    await t.request("POST", "/api/v1/experiments/hero/start");
    const res = await getConfig({ "if-none-match": emptyTag });
    expect(res.status).toBe(200);
    expect(res.body.experiments).toEqual([
      {
        key: "hero",
        seed: "hero-seed",
        hashVersion: 1,
        unitAttribute: "userId",
        variants: [
          { key: "control", weight: 0.25 },
          { key: "big", weight: 0.75, payload: { size: 2 } },
        ],
        coverage: 0.5,
        condition: { country: { $in: ["US"] } },
        layer: { key: "home", range: [0.1, 0.6] },
        forced: { "qa-1": "big" },
      },
    ]);
    const etag = res.headers.get("etag")!;
    expect(etag).not.toBe(emptyTag);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");

    const again = await getConfig();
    expect(again.headers.get("etag")).toBe(etag);
    expect(again.body).toEqual(res.body);
    const notModified = await getConfig({ "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe("");
    expect((await getConfig({ "if-none-match": `"other", W/${etag}` })).status).toBe(304);

    // The SDK consumes it as-is: the forced QA user gets "big" and is not counted as in-sample.
    const hero = res.body.experiments[0]!;
    expect(assignVariant(hero, { userId: "qa-1", country: "FR" })).toMatchObject({
      variant: "big",
      reason: "forced",
    });
    expect(assignVariant(hero, { userId: "u-1", country: "FR" })).toMatchObject({
      reason: "targeting",
      inExperiment: false,
    });
  });

  it("changes the ETag at once when a running experiment changes or stops", async () => {
    const before = await getConfig();
    const patched = await t.request("PATCH", "/api/v1/experiments/hero", { body: { coverage: 0.9 } });
    expect(patched.status).toBe(200);
    const after = await getConfig({ "if-none-match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(after.body.experiments[0]!.coverage).toBe(0.9);

    await t.request("POST", "/api/v1/experiments/hero/stop", { body: { decision: "rollback" } });
    const stopped = await getConfig({ "if-none-match": after.headers.get("etag")! });
    expect(stopped.status).toBe(200);
    expect(stopped.body.experiments).toEqual([]);
  });

  it("answers 401 without a key, with an unknown key and with a revoked key; CORS preflight works", async () => {
    expect((await t.request("GET", "/api/v1/sdk/config", { token: null })).status).toBe(401);
    // Admin tokens may read the config too (previews, debugging).
    expect((await t.request("GET", "/api/v1/sdk/config")).status).toBe(200);
    const unknown = await t.request("GET", "/api/v1/sdk/config", { token: "sdk_nope" });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toContain("SDK key");

    const temp = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "tmp", environment: "dev" },
    });
    expect((await t.request("GET", "/api/v1/sdk/config", { token: temp.body.token })).status).toBe(200);
    await t.request("DELETE", `/api/v1/keys/${temp.body.id}`);
    expect((await t.request("GET", "/api/v1/sdk/config", { token: temp.body.token })).status).toBe(401);

    const preflight = await fetch(`${t.url}/api/v1/sdk/config`, {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-headers": "authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("GET /api/v1/sdk/config/:clientKey: same body, ETag and 304 with no Authorization header; SDK keys only", async () => {
    await t.request("POST", "/api/v1/experiments", {
      body: { key: "path-form", name: "Path", variants: [{ key: "a" }, { key: "b" }] },
    });
    await t.request("POST", "/api/v1/experiments/path-form/start");
    const header = await getConfig();
    // A plain fetch, as a browser's simple GET: no Authorization header.
    const url = `${t.url}/api/v1/sdk/config/${encodeURIComponent(sdkKey)}`;
    const byPath = await fetch(url, { headers: { origin: "https://shop.example" } });
    expect(byPath.status).toBe(200);
    const etag = byPath.headers.get("etag")!;
    expect(etag).toBe(header.headers.get("etag"));
    expect(await byPath.json()).toEqual(header.body);
    expect(byPath.headers.get("access-control-allow-origin")).toBe("*");
    expect(byPath.headers.get("access-control-expose-headers")).toContain("ETag");
    const notModified = await fetch(url, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);

    expect((await fetch(`${t.url}/api/v1/sdk/config/sdk_nope`)).status).toBe(401);
    const admin = await fetch(`${t.url}/api/v1/sdk/config/${encodeURIComponent(TEST_ADMIN_TOKEN)}`);
    expect(admin.status).toBe(403);
    expect(((await admin.json()) as { error: { message: string } }).error.message).toContain("SDK key");
  });
});
