/**
 * Idle memory of the server: resident set size (RSS, VmRSS of the whole process tree) after
 * start, 50 warm-up requests and 5 s of idling, for
 *   - the compiled server (`node server/dist/main.js`, what `npm start` and the image run),
 *   - the same server run from source through tsx (how it ran before; tsx adds esbuild helpers),
 *   - a bare `node` process (the floor, measured in the same run),
 * on PostgreSQL (DATABASE_URL, default the local `test` database: a fresh database per run) and
 * on PGlite (a fresh data directory). Goal: compiled on PostgreSQL ≤ 150 MB.
 * Run: `npm run bench:memory`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const ROOT = path.resolve(import.meta.dirname, "..");
const BASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const GOAL_MB = 150;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
}

/** RSS of a process and all its descendants (tsx's esbuild service is a child). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      total += rssKb(pid);
    } catch {
      // ended
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(
  label: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  http: boolean,
): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    if (http) {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`${label}: no banner\n${out}`)), 120_000);
        child.stdout?.on("data", (d: Buffer) => {
          out += d.toString();
          const m = out.match(/listening on (http:\/\/\S+)/);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!.replace("localhost", "127.0.0.1"));
          }
        });
        child.stderr?.on("data", (d: Buffer) => {
          out += d.toString();
        });
        child.once("exit", (code) => reject(new Error(`${label} exited ${code}\n${out}`)));
      });
      for (let i = 0; i < 50; i++) await (await fetch(`${url}/healthz`)).text();
    }
    await sleep(5_000);
    const mb = treeRssMb(child.pid!);
    process.stdout.write(`${label.padEnd(46)} ${mb.toFixed(1).padStart(7)} MB\n`);
    return mb;
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_memory_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

execFileSync(process.execPath, [path.join(ROOT, "server/scripts/build.mjs")], { stdio: "inherit" });
const compiled = ["server/dist/main.js"];
const fromSource = ["--conditions=source", "--import", "tsx", "server/src/main.ts"];
const token = { ADMIN_TOKEN: "bench-memory-admin-token" };

process.stdout.write(`idle RSS after 50 requests + 5 s (process tree)\n`);
const floor = await measure("bare node (setInterval)", ["-e", "setInterval(() => {}, 1000)"], {}, false);
const [pgCompiled, pgSource] = await withDatabase(async (url) => [
  await measure("compiled server, PostgreSQL", compiled, { DATABASE_URL: url, ...token }, true),
  await measure("server from source via tsx, PostgreSQL", fromSource, { DATABASE_URL: url, ...token }, true),
]);
const dir = mkdtempSync(path.join(tmpdir(), "bench-memory-"));
let liteFirst: number;
let liteCompiled: number;
try {
  // The first start creates the database (initdb inside WebAssembly); later starts open it.
  liteFirst = await measure(
    "compiled server, PGlite, first start",
    compiled,
    { DATA_DIR: dir, ...token },
    true,
  );
  liteCompiled = await measure(
    "compiled server, PGlite, restart",
    compiled,
    { DATA_DIR: dir, ...token },
    true,
  );
  await measure("server from source via tsx, PGlite, restart", fromSource, { DATA_DIR: dir, ...token }, true);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  `\ncompiled on PostgreSQL: ${pgCompiled!.toFixed(0)} MB = ${(pgCompiled! / floor).toFixed(1)}x bare node, ` +
    `${((1 - pgCompiled! / pgSource!) * 100).toFixed(0)} % less than via tsx; goal ≤ ${GOAL_MB} MB: ${pgCompiled! <= GOAL_MB ? "met" : "NOT met"}\n` +
    `compiled on PGlite: ${liteCompiled!.toFixed(0)} MB on restart, ${liteFirst!.toFixed(0)} MB after the first start (the embedded database runs in the same process)\n`,
);
