import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openDatabase } from "../../src/db.js";

/** The admin token every reliability-test server accepts. */
export const ADMIN_TOKEN = "reliability-admin-token-0123456789";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = path.join(REPO_ROOT, "server/src/main.ts");

/** PostgreSQL when `DATABASE_URL` is set (as in CI), else PGlite. */
export const onPostgres = Boolean(process.env.DATABASE_URL);

/** A database a server process can be pointed at, and a way to count rows in it. */
export interface ProcessDatabase {
  kind: "pglite" | "postgres";
  /** DATABASE_URL or DATA_DIR for the server's environment. */
  env: Record<string, string>;
  /** PostgreSQL URL of the fresh database (postgres only). */
  url?: string;
  /** Runs a query after (or, on PostgreSQL, while) servers run. PGlite: only with no server open. */
  query: <Row>(text: string) => Promise<Row[]>;
  cleanup: () => Promise<void>;
}

/** A fresh database: a random PostgreSQL database (DATABASE_URL) or a PGlite data directory. */
export async function createProcessDatabase(): Promise<ProcessDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(path.join(tmpdir(), "abtest-rel-"));
    return {
      kind: "pglite",
      env: { DATA_DIR: dir },
      query: async <Row>(text: string) => {
        const d = await openDatabase({ dataDir: dir, migrate: false });
        try {
          const { sql } = await import("drizzle-orm");
          return (await d.db.execute(sql.raw(text))).rows as Row[];
        } finally {
          await d.close();
        }
      },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `rel_${Date.now().toString(36)}_${randomBytes(5).toString("hex")}`;
  await adminQuery(base, `create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  return {
    kind: "postgres",
    env: { DATABASE_URL: url.toString() },
    url: url.toString(),
    query: async <Row>(text: string) => (await pool.query(text)).rows as Row[],
    cleanup: async () => {
      await pool.end();
      await adminQuery(base, `drop database if exists "${name}" with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A server started as a child process (`node server/src/main.ts`). */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Exit code and signal once it exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** Spawns the real server entry point with `env` (PORT=0) and waits for its "listening on" line. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    ADMIN_TOKEN,
    LOG_LEVEL: "warn",
    ...env,
  };
  delete childEnv.INIT_CWD;
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    const onData = () => {
      const match = output.match(/listening on http:\/\/localhost:(\d+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout!.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${output}`));
    });
  });
  return { url, child, exited, output: () => output };
}

/** Response of {@link post}/{@link get}. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request through `agent` (keep-alive when the agent is); rejects on socket errors. */
export function send(
  method: string,
  url: string,
  options: { token?: string; body?: unknown; agent?: http.Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method,
        agent: options.agent ?? false,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Creates an SDK key through the admin API and returns its token. */
export async function createSdkKey(
  url: string,
  environment = "production",
): Promise<{ id: string; token: string }> {
  const res = await send("POST", `${url}/api/v1/keys`, {
    token: ADMIN_TOKEN,
    body: { kind: "sdk", name: "reliability", environment },
  });
  if (res.status !== 201) throw new Error(`key creation answered ${res.status}: ${res.body}`);
  return JSON.parse(res.body) as { id: string; token: string };
}

/** Track events with fresh ids. */
export function trackEvents(
  n: number,
  prefix: string,
): { id: string; type: "track"; name: string; unitId: string; timestamp: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    id: crypto.randomUUID(),
    type: "track" as const,
    name: "purchase",
    unitId: `${prefix}-${i}`,
    timestamp: new Date().toISOString(),
  }));
}

/**
 * A TCP proxy in front of PostgreSQL that a test controls: `refuse()` drops every connection
 * and refuses new ones, `stall()` keeps connections open but forwards nothing (new ones are
 * accepted and hang), `resume()` forwards again (stalled bytes are delivered).
 */
export interface TcpProxy {
  port: number;
  refuse: () => Promise<void>;
  stall: () => void;
  resume: () => Promise<void>;
  close: () => Promise<void>;
}

/** Starts a {@link TcpProxy} on a random loopback port forwarding to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: "forward" | "stall" = "forward";
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; held: Buffer[][] }>();
  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream, held: [[], []] as Buffer[][] };
    pairs.add(pair);
    const pipe = (from: net.Socket, to: net.Socket, held: Buffer[]) =>
      from.on("data", (chunk: Buffer) => {
        if (mode === "stall" || held.length > 0) held.push(chunk);
        else to.write(chunk);
      });
    pipe(client, upstream, pair.held[0]!);
    pipe(upstream, client, pair.held[1]!);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  };
  let server = net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    port,
    refuse: async () => {
      const closed = closeServer();
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await closed;
    },
    stall: () => {
      mode = "stall";
    },
    resume: async () => {
      mode = "forward";
      for (const p of pairs) {
        for (const chunk of p.held[0]!.splice(0)) p.upstream.write(chunk);
        for (const chunk of p.held[1]!.splice(0)) p.client.write(chunk);
      }
      if (!server.listening) {
        server = net.createServer(onConnection);
        await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      }
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      if (server.listening) await closeServer();
    },
  };
}
