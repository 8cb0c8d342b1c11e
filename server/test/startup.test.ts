import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { openDatabase } from "../src/db.js";
import { startServer } from "../src/server.js";

const root = mkdtempSync(path.join(tmpdir(), "abtest-start-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Always the embedded database: this is what `npm start` does on a fresh machine. A first PGlite
// start (initdb in WebAssembly) took up to 39 s on the 2-core machine under load: 120 s limits.
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
  }, 120_000);

  it("accepts ADMIN_TOKEN without generating one, finishes in-flight ingestion on stop, rejects bad config by name", async () => {
    const config = parseConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: path.join(root, "with-env"),
      ADMIN_TOKEN: "an-admin-token-from-env",
      LOG_LEVEL: "silent",
    });
    const lines: string[] = [];
    const s = await startServer(config, (line) => lines.push(line));
    let ingest: Promise<Response> | undefined;
    try {
      expect(lines.some((l) => l.includes("admin token"))).toBe(false);
      const admin = { authorization: "Bearer an-admin-token-from-env", "content-type": "application/json" };
      const res = await fetch(`${s.url}/api/v1/keys`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ kind: "sdk", name: "web", environment: "prod" }),
      });
      expect(res.status).toBe(201);
      const { token } = (await res.json()) as { token: string };
      // Graceful shutdown: a request in flight when stop() is called is answered after its commit.
      const events = Array.from({ length: 200 }, (_, i) => ({
        id: randomUUID(),
        type: "track",
        name: "purchase",
        unitId: `u${i}`,
        timestamp: new Date().toISOString(),
        value: i,
      }));
      const received = new Promise<void>((resolve) =>
        s.server.on("request", (req) => req.url?.startsWith("/api/v1/events") && resolve()),
      );
      ingest = fetch(`${s.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ events }),
      });
      await received;
    } finally {
      await s.stop();
    }
    const answered = await ingest!;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ accepted: 200, duplicates: 0, rejected: [] });
    // The rows were committed before the database closed.
    const reopened = await openDatabase({ dataDir: config.DATA_DIR });
    try {
      const rows = await reopened.db.execute(sql`select count(*)::int as n from events`);
      expect(rows.rows[0]).toEqual({ n: 200 });
    } finally {
      await reopened.close();
    }
    expect(() => parseConfig({ PORT: "abc" })).toThrow(/PORT/);
    expect(() => parseConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(parseConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: "./data", LOG_LEVEL: "info" });
    expect(parseConfig({ RETENTION_DAYS: "", ADMIN_TOKEN: "", PORT: "" })).toMatchObject({ PORT: 3000 });
    expect(parseConfig({ RETENTION_DAYS: "30" }).RETENTION_DAYS).toBe(30);
    expect(() => parseConfig({ RETENTION_DAYS: "-1" })).toThrow(/RETENTION_DAYS/);
    expect(() => parseConfig({ ADMIN_TOKEN: "short" })).toThrow(/ADMIN_TOKEN/);
  }, 120_000);
});
