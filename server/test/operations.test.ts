import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from "./test-app.js";

const dist = mkdtempSync(path.join(tmpdir(), "abtest-dist-"));
mkdirSync(path.join(dist, "assets"));
writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>ui</title><div id=root></div>");
writeFileSync(path.join(dist, "assets", "app.js"), "console.log('ui')");

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clientDist: dist });
});
afterAll(async () => {
  await t.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("operations", () => {
  it("/healthz answers ok while the database is reachable", async () => {
    const res = await t.request("GET", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("/metrics exposes request counts, a latency histogram and the ingestion counters", async () => {
    await t.request("GET", "/api/v1/experiments");
    t.instance.metrics.eventsRejected.inc({ reason: "unknown_experiment" });
    const res = await t.request("GET", "/metrics", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = res.body as string;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/experiments",status="200"\} 1/);
    expect(text).toContain("http_request_duration_seconds_bucket{");
    expect(text).toContain('events_rejected_total{reason="unknown_experiment"} 1');
    expect(text).toContain("# TYPE events_ingested_total counter");
  });

  it("sets helmet security headers", async () => {
    const res = await t.request("GET", "/healthz", { token: null });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(res.headers.get("x-powered-by")).toBeNull();
  });

  it("serves an OpenAPI 3 document generated from the zod schemas", async () => {
    const res = await t.request("GET", "/api/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    for (const p of [
      "/api/v1/experiments",
      "/api/v1/experiments/{key}/stop",
      "/api/v1/sdk/config",
      "/api/v1/keys",
      "/api/v1/experiments/{key}/results",
    ]) {
      expect(res.body.paths[p]).toBeDefined();
    }
    const resultsParams = res.body.paths["/api/v1/experiments/{key}/results"].get.parameters.map(
      (param: { name: string }) => param.name,
    );
    expect(resultsParams).toEqual(expect.arrayContaining(["key", "dimension", "refresh", "mde"]));
    const create = res.body.components.schemas.CreateExperimentRequest;
    expect(create.required).toEqual(expect.arrayContaining(["key", "name", "variants"]));
    expect(create.properties.variants.minItems).toBe(2);
    expect(create.properties.variants.maxItems).toBe(10);
  });

  it("serves the built UI with an SPA fallback, and JSON 404 for unknown API paths", async () => {
    const index = await t.request("GET", "/", { token: null });
    expect(index.status).toBe(200);
    expect(index.body).toContain("<title>ui</title>");
    const deep = await t.request("GET", "/experiments/new-checkout/results", { token: null });
    expect(deep.status).toBe(200);
    expect(deep.body).toContain("<title>ui</title>");
    const asset = await t.request("GET", "/assets/app.js", { token: null });
    expect(asset.body).toBe("console.log('ui')");
    const api = await t.request("GET", "/api/v1/nope");
    expect(api.status).toBe(404);
    expect(api.body.error).toMatchObject({ code: "not_found" });
  });

  it("answers 413 for a management body over 1 MB and stores nothing", async () => {
    const res = await t.request("POST", "/api/v1/layers", {
      body: { key: "big", name: "Big", description: "x".repeat(1_100_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect((await t.request("GET", "/api/v1/layers/big")).status).toBe(404);
  });
});

describe("request logs", () => {
  it("are JSON lines with method, path and status, and never contain tokens", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const logged = await startTestApp({ logger });
    try {
      await logged.request("GET", "/api/v1/experiments");
      await logged.request("GET", "/api/v1/sdk/config?key=sdk_secret_in_query", {
        token: "sdk_secret_in_header",
      });
    } finally {
      await logged.close();
    }
    const entries = lines.map(
      (l) => JSON.parse(l) as { req?: { method: string; path: string }; res?: { statusCode: number } },
    );
    expect(entries).toContainEqual(
      expect.objectContaining({
        req: expect.objectContaining({ method: "GET", path: "/api/v1/experiments" }),
        res: { statusCode: 200 },
      }),
    );
    const text = lines.join("\n");
    expect(text).toContain("/api/v1/sdk/config");
    expect(text).not.toContain("secret");
    expect(text).not.toContain(TEST_ADMIN_TOKEN);
  });
});

describe("without a built UI and with the database gone", () => {
  it("serves the placeholder page, and /healthz answers 503 once the database is closed", async () => {
    const other = await startTestApp({ clientDist: null });
    const page = await other.request("GET", "/", { token: null });
    expect(page.status).toBe(200);
    expect(page.body).toContain("UI has not been built");
    // Close the database under the running app: health must report it.
    await other.testDb.cleanup();
    const health = await other.request("GET", "/healthz", { token: null });
    expect(health.status).toBe(503);
    other.testDb.cleanup = async () => {};
    await other.close();
  });
});
