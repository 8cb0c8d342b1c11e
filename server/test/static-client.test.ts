import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-app.js";

// A dist laid out like `vite build` writes it, with the real favicon from client/public.
const dist = mkdtempSync(path.join(tmpdir(), "splitlab-dist-"));
mkdirSync(path.join(dist, "assets"));
writeFileSync(
  path.join(dist, "index.html"),
  '<!doctype html><title>ui</title><script type="module" src="/assets/index-AbC123.js"></script><div id=root></div>',
);
writeFileSync(path.join(dist, "assets", "index-AbC123.js"), "console.log('ui')");
const favicon = fileURLToPath(new URL("../../client/public/favicon.ico", import.meta.url));
copyFileSync(favicon, path.join(dist, "favicon.ico"));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clientDist: dist });
});
afterAll(async () => {
  await t.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("serving the UI", () => {
  it("sends a CSP that fits the app and never upgrade-insecure-requests (blank page over plain HTTP)", async () => {
    for (const p of ["/", "/experiments/x/results", "/api/v1/experiments"]) {
      const csp = (await t.request("GET", p)).headers.get("content-security-policy") ?? "";
      expect(csp, p).not.toContain("upgrade-insecure-requests");
      expect(csp, p).toContain("default-src 'self'");
      expect(csp, p).toContain("script-src 'self'");
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("object-src 'none'");
    }
  });

  it("hashed assets are cached for a year as immutable; index.html and client routes are revalidated", async () => {
    const asset = await t.request("GET", "/assets/index-AbC123.js", { token: null });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");
    for (const p of ["/", "/index.html", "/planner", "/experiments/new-checkout/results"]) {
      const page = await t.request("GET", p, { token: null, headers: { accept: "text/html" } });
      expect(page.status, p).toBe(200);
      expect(page.body, p).toContain("<title>ui</title>");
      expect(page.headers.get("cache-control"), p).toBe("no-cache");
    }
  });

  it("/favicon.ico is a real icon; a missing file is a 404, not the page; /api stays JSON", async () => {
    const icon = await fetch(`${t.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/(x-icon|vnd.microsoft.icon)$/);
    const bytes = new Uint8Array(await icon.arrayBuffer());
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 1, 0]); // ICONDIR: reserved 0, type 1 (icon)
    const missing = await t.request("GET", "/assets/gone-123.js", { token: null });
    expect(missing.status).toBe(404);
    expect(String(missing.body)).not.toContain("<title>ui</title>");
    const api = await t.request("GET", "/api/v1/nope", { headers: { accept: "text/html" } });
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/json");
    expect(api.body.error.code).toBe("not_found");
  });
});
