import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { startServer } from "../src/server.js";

const root = mkdtempSync(path.join(tmpdir(), "abtest-start-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Always the embedded database: this is what `npm start` does on a fresh machine.
describe("startServer on a fresh DATA_DIR", () => {
  it("creates the data dir, migrates, prints the URL and a generated admin token only on first start", async () => {
    const dataDir = path.join(root, "nested", "data");
    const config = parseConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, LOG_LEVEL: "silent" });

    const first: string[] = [];
    const a = await startServer(config, (line) => first.push(line));
    try {
      expect(existsSync(dataDir)).toBe(true);
      expect(readdirSync(dataDir).length).toBeGreaterThan(0);
      expect(first[0]).toContain(a.url);
      const tokenLine = first.find((l) => l.includes("admin token"));
      const token = tokenLine?.match(/(adm_\S+)/)?.[1];
      expect(token).toBeDefined();
      const health = await fetch(`${a.url}/healthz`);
      expect(health.status).toBe(200);
      // Migrated and the generated token works.
      const keys = await fetch(`${a.url}/api/v1/keys`, { headers: { authorization: `Bearer ${token}` } });
      expect(keys.status).toBe(200);
    } finally {
      await a.stop();
    }

    const second: string[] = [];
    const b = await startServer(config, (line) => second.push(line));
    try {
      expect(second.some((l) => l.includes("admin token"))).toBe(false);
      expect(second[0]).toContain(b.url);
    } finally {
      await b.stop();
    }
  });

  it("does not generate a token when ADMIN_TOKEN is set, and rejects bad configuration by name", async () => {
    const config = parseConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: path.join(root, "with-env"),
      ADMIN_TOKEN: "an-admin-token-from-env",
      LOG_LEVEL: "silent",
    });
    const lines: string[] = [];
    const s = await startServer(config, (line) => lines.push(line));
    try {
      expect(lines.some((l) => l.includes("admin token"))).toBe(false);
      const res = await fetch(`${s.url}/api/v1/keys`, {
        headers: { authorization: "Bearer an-admin-token-from-env" },
      });
      expect(res.status).toBe(200);
    } finally {
      await s.stop();
    }
    expect(() => parseConfig({ PORT: "abc" })).toThrow(/PORT/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(parseConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: "./data", LOG_LEVEL: "info" });
  });
});
