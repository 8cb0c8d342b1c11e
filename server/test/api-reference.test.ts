import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./test-app.js";

const REDOCLY = fileURLToPath(new URL("../../node_modules/.bin/redocly", import.meta.url));
const run = promisify(execFile);

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(path.join(tmpdir(), "splitlab-openapi-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

describe("API reference", () => {
  it("the generated document passes `redocly lint` (recommended ruleset) with no error or warning", async () => {
    const doc = await t.request("GET", "/api/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    const file = path.join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(doc.body));
    // redocly exits non-zero on any error; its report is printed when the test fails.
    const result = await run(REDOCLY, ["lint", file, "--extends=recommended", "--format=stylish"], {
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: "off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
        NO_COLOR: "1",
      },
      timeout: 120_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`redocly lint failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output).toContain("Your API description is valid");
    expect(output).not.toMatch(/\d+ warnings?/);
  }, 150_000);

  it("serves a rendered reference at /api/docs from this origin only, under the app's CSP", async () => {
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      const page = await browser.newPage();
      const foreign: string[] = [];
      const problems: string[] = [];
      page.on("request", (r) => {
        if (!r.url().startsWith(t.url) && !r.url().startsWith("data:")) foreign.push(r.url());
      });
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      const res = await page.goto(`${t.url}/api/docs`);
      expect(res?.status()).toBe(200);
      expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
      // Swagger UI names each operation block by tag and operationId.
      await page.locator("#operations-Results-getResults").waitFor({ timeout: 30_000 });
      await page.locator("#operations-Keys-deleteKey").waitFor();
      expect(await page.locator(".opblock").count()).toBeGreaterThanOrEqual(20);
      expect(await page.locator(".info .title").textContent()).toContain("Splitlab API");
      expect(foreign).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
    }
  }, 90_000);

  it("serves only the reference's own assets", async () => {
    const css = await t.request("GET", "/api/docs/assets/swagger-ui.css", { token: null });
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    const other = await t.request("GET", "/api/docs/assets/package.json", { token: null });
    expect(other.status).toBe(404);
  });
});
