/**
 * Load benchmark (`npm run bench:load`): the real server as a child process (compiled,
 * `node server/dist/main.js`) on PostgreSQL, driven by autocannon over loopback for 60 s at
 * rising, bounded concurrency (1, 8, 32, 128 connections, 15 s each). Each request posts 20
 * track events with fresh ids (acknowledged after commit). Prints per stage: requests/s,
 * events/s, p50/p99 latency, errors (non-2xx, socket errors, timeouts), and the server's RSS
 * before and after; throughput and p99 as ratios to the 1-connection stage of the same run.
 *
 * Rate limits are off for this run (RATE_LIMIT_*=0): all traffic comes from one address and
 * one key, which the defaults would (correctly) throttle.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a fresh database is
 * created next to it and dropped), LOAD_STAGE_SECONDS (default 15), LOAD_CONNECTIONS
 * (default "1,8,32,128").
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";

const ROOT = path.resolve(import.meta.dirname, "..");
const BASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const STAGE_SECONDS = Number(process.env.LOAD_STAGE_SECONDS ?? 15);
const STAGES = (process.env.LOAD_CONNECTIONS ?? "1,8,32,128").split(",").map(Number);
const EVENTS_PER_REQUEST = 20;
const ADMIN_TOKEN = `adm_${randomBytes(16).toString("hex")}`;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
}

async function withAdmin(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

function startServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["server/dist/main.js"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN,
      LOG_LEVEL: "warn",
      RATE_LIMIT_IP_PER_SECOND: "0",
      RATE_LIMIT_KEY_PER_SECOND: "0",
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "0",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const port = out.match(/listening on http:\/\/localhost:(\d+)/)?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

interface Stage {
  connections: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
}

async function runStage(url: string, sdkKey: string, connections: number): Promise<Stage> {
  const result = await autocannon({
    url: `${url}/api/v1/events`,
    connections,
    duration: STAGE_SECONDS,
    timeout: 10,
    requests: [
      {
        method: "POST",
        headers: { authorization: `Bearer ${sdkKey}`, "content-type": "application/json" },
        setupRequest: (req) => {
          const now = new Date().toISOString();
          const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
            id: randomUUID(),
            type: "track",
            name: "purchase",
            unitId: `load-${connections}-${i}-${randomBytes(4).toString("hex")}`,
            timestamp: now,
            value: i,
          }));
          return { ...req, body: JSON.stringify({ events }) };
        },
      },
    ],
  });
  const ok = result.requests.total - result.non2xx;
  return {
    connections,
    requestsPerSecond: result.requests.average,
    eventsPerSecond: (ok * EVENTS_PER_REQUEST) / STAGE_SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  };
}

const name = `load_${randomBytes(6).toString("hex")}`;
await withAdmin(`create database "${name}"`);
const dbUrl = new URL(BASE_URL);
dbUrl.pathname = `/${name}`;
execFileSync(process.execPath, [path.join(ROOT, "server/scripts/build.mjs")], { stdio: "inherit" });
const { child, url } = await startServer(dbUrl.toString());
try {
  const created = await fetch(`${url}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ kind: "sdk", name: "load", environment: "production" }),
  });
  const { token } = (await created.json()) as { token: string };
  const rssBefore = rssMb(child.pid!);
  const stages: Stage[] = [];
  for (const connections of STAGES) stages.push(await runStage(url, token, connections));
  const rssAfter = rssMb(child.pid!);

  const base = stages[0]!;
  const f = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });
  console.log(
    `\nbench:load: POST /api/v1/events (${EVENTS_PER_REQUEST} events each), ${STAGE_SECONDS} s per stage, PostgreSQL, loopback`,
  );
  console.log(
    "connections | req/s   | events/s | p50 ms | p99 ms | errors | req/s vs 1 conn | p99 vs 1 conn",
  );
  for (const s of stages) {
    console.log(
      [
        String(s.connections).padStart(11),
        f(s.requestsPerSecond).padStart(7),
        f(s.eventsPerSecond).padStart(8),
        f(s.p50, 1).padStart(6),
        f(s.p99, 1).padStart(6),
        `${s.errors}/${s.total}`.padStart(6),
        `${f(s.requestsPerSecond / base.requestsPerSecond, 2)}x`.padStart(15),
        `${f(s.p99 / Math.max(base.p99, 0.001), 2)}x`.padStart(13),
      ].join(" | "),
    );
  }
  console.log(
    `server RSS: ${f(rssBefore)} MB before, ${f(rssAfter)} MB after (${f(rssAfter - rssBefore)} MB)`,
  );
  const errors = stages.reduce((n, s) => n + s.errors, 0);
  if (errors > 0) process.exitCode = 1;
} finally {
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  await withAdmin(`drop database if exists "${name}" with (force)`);
}
