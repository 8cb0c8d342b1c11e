/**
 * The server as the production image runs it: compiled by `server/scripts/build.mjs` to
 * server/dist/main.js and started with plain `node` (no tsx, NODE_ENV=production), on the
 * backend of the run (PostgreSQL when DATABASE_URL is set, else a fresh PGlite directory).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminTokenNotice } from "../src/server.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SERVER = path.join(ROOT, "server");

interface Child {
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  url: string;
  exited: Promise<number | null>;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
}

let dataDir: string;
let databaseUrl: string | undefined;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  execFileSync(process.execPath, [path.join(SERVER, "scripts/build.mjs")], { stdio: "pipe" });
  dataDir = mkdtempSync(path.join(tmpdir(), "splitlab-compiled-"));
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `compiled_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    };
  }
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabase?.();
});

function start(): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: "production",
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  // As the image's CMD: `node server/dist/main.js`, nothing preloaded.
  const child = spawn(process.execPath, ["server/dist/main.js"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no banner in 60 s:\n${stdout.join("\n")}\n${stderr.join("\n")}`)),
      60_000,
    );
    let pending = "";
    child.stderr?.on("data", (d: Buffer) => stderr.push(...d.toString().split("\n").filter(Boolean)));
    child.stdout?.on("data", (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        stdout.push(line);
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url) {
          clearTimeout(timer);
          resolve({ process: child, stdout, stderr, url: url.replace("localhost", "127.0.0.1"), exited });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stdout.join("\n")}\n${stderr.join("\n")}`));
    });
  });
}

describe("the compiled server (node server/dist/main.js, as the image runs it)", () => {
  it("imports only Node built-ins and the server's production dependencies at run time", () => {
    const meta = readJson(path.join(SERVER, "dist/meta.json")) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const production = new Set<string>();
    for (const pkg of ["server", "sdk", "stats"]) {
      const json = readJson(path.join(ROOT, pkg, "package.json")) as {
        dependencies?: Record<string, string>;
      };
      for (const name of Object.keys(json.dependencies ?? {})) production.add(name);
    }
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const external = Object.values(meta.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    expect(external.length).toBeGreaterThan(5);
    const packageOf = (spec: string) =>
      spec
        .split("/")
        .slice(0, spec.startsWith("@") ? 2 : 1)
        .join("/");
    const outside = external.filter((spec) => !builtins.has(spec) && !production.has(packageOf(spec)));
    expect(outside).toEqual([]);
    // The dev-time loader is not a production dependency, so it cannot be needed.
    expect(production.has("tsx")).toBe(false);
  });

  it("starts, logs JSON only, prints a generated token once on stderr, echoes request ids, labels metrics by pattern, exits 0 on SIGTERM", async () => {
    const child = await start();
    let exitCode: number | null = null;
    try {
      const health = await fetch(`${child.url}/healthz`, { headers: { "x-request-id": "lb-7f3a.42" } });
      expect(health.status).toBe(200);
      expect(health.headers.get("x-request-id")).toBe("lb-7f3a.42");
      const generated = await fetch(`${child.url}/healthz`, {
        headers: { "x-request-id": "bad id with spaces" },
      });
      expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

      // Non-TTY stderr: the token is one JSON line a log shipper keeps and grep finds.
      const notices = child.stderr.map((l) => JSON.parse(l) as { adminToken?: string });
      const token = notices.find((n) => n.adminToken)?.adminToken;
      expect(token).toMatch(/^adm_/);
      const keys = await fetch(`${child.url}/api/v1/keys/`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(keys.status).toBe(200);
      const page = await fetch(`${child.url}/experiments`, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");

      const metrics = await (await fetch(`${child.url}/metrics`)).text();
      expect(metrics).toContain('route="/api/v1/keys"');
      expect(metrics).not.toContain('route="/api/v1/keys/"');
      expect(metrics).toMatch(/http_requests_total\{method="GET",route="static",status="200"\}/);
      expect(metrics).not.toContain('route="unmatched"');
    } finally {
      child.process.kill("SIGTERM");
      exitCode = await child.exited;
    }
    expect(exitCode).toBe(0);
    // Every stdout line is a JSON log record; health probes log below info.
    const records = child.stdout.map(
      (l) => JSON.parse(l) as { msg?: string; req?: { path?: string; id?: string } },
    );
    expect(records[0]?.msg).toMatch(/^Splitlab listening on http/);
    expect(records.some((r) => r.req?.path === "/healthz")).toBe(false);
    expect(records.some((r) => r.req?.path === "/api/v1/keys/" && typeof r.req.id === "string")).toBe(true);
    expect(child.stdout.join("\n")).not.toContain("adm_");

    // Second start on the same database: no token generated again.
    const again = await start();
    try {
      expect(again.stderr.join("\n")).not.toContain("adminToken");
    } finally {
      again.process.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    }
  }, 120_000);
});

describe("adminTokenNotice", () => {
  it("frames the token on a terminal and writes one JSON line otherwise", () => {
    const tty = adminTokenNotice("adm_example", true);
    expect(tty).toContain("adm_example");
    expect(tty.split("\n").length).toBeGreaterThan(4);
    const line = adminTokenNotice("adm_example", false);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({ adminToken: "adm_example", level: 40 });
  });
});
