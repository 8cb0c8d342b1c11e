import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProcessDatabase,
  createSdkKey,
  onPostgres,
  type ProcessDatabase,
  send,
  spawnServer,
  trackEvents,
} from "./harness.js";

// The real server as a child process (PostgreSQL with DATABASE_URL, as in CI; else PGlite).
const backend = onPostgres ? "PostgreSQL" : "PGlite";

let database: ProcessDatabase;
beforeAll(async () => {
  database = await createProcessDatabase();
});
afterAll(() => database.cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function storedIds(): Promise<Map<string, number>> {
  const rows = await database.query<{ id: string; n: number }>(
    "select id::text as id, count(*)::int as n from events group by id",
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

describe(`crash safety, server process on ${backend}`, () => {
  it("SIGTERM under keep-alive load: exits 0 well within the grace period and answers every in-flight request", async () => {
    const server = await spawnServer(database.env);
    const { token } = await createSdkKey(server.url);
    const acknowledged: string[] = [];
    const failures: string[] = [];
    let refused = 0;
    let stopped = false;
    // 8 clients, each on one keep-alive connection, sending batches back to back.
    const clients = Array.from({ length: 8 }, async (_, c) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; !stopped; i++) {
          const events = trackEvents(20, `term-${c}-${i}`);
          try {
            const res = await send("POST", `${server.url}/api/v1/events`, { token, body: { events }, agent });
            if (res.status === 200) acknowledged.push(...events.map((e) => e.id));
            else failures.push(`HTTP ${res.status} ${res.body}`);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            // A new connection refused after the listener closed: the request was never accepted.
            if (code === "ECONNREFUSED") {
              refused++;
              return;
            }
            failures.push(`${code ?? ""} ${(error as Error).message}`); // reset while in flight
            return;
          }
        }
      } finally {
        agent.destroy();
      }
    });
    await sleep(1500);
    const before = acknowledged.length;
    const t0 = Date.now();
    server.child.kill("SIGTERM");
    const exit = await server.exited;
    const elapsed = Date.now() - t0;
    stopped = true;
    await Promise.all(clients);

    expect(before).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    // Default grace is 10 s (SHUTDOWN_GRACE_MS); draining takes the in-flight requests only.
    expect(elapsed).toBeLessThan(5000);
    expect(refused).toBe(8);
    const stored = await storedIds();
    for (const id of acknowledged) expect(stored.get(id)).toBe(1);
  }, 180_000);

  it("SIGKILL mid-load, restart, clients retry: every acknowledged event is stored exactly once", async () => {
    let server = await spawnServer(database.env);
    const { token } = await createSdkKey(server.url);
    const batchesPerClient = 40;
    const sent = new Set<string>();
    const acknowledged = new Set<string>();
    let retries = 0;
    const clients = Array.from({ length: 6 }, async (_, c) => {
      for (let b = 0; b < batchesPerClient; b++) {
        const events = trackEvents(20, `kill-${c}-${b}`);
        for (const e of events) sent.add(e.id);
        // Retry the same batch (same ids) until it is acknowledged, like the SDK does.
        for (let attempt = 0; ; attempt++) {
          try {
            const res = await send("POST", `${server.url}/api/v1/events`, { token, body: { events } });
            if (res.status === 200) {
              for (const e of events) acknowledged.add(e.id);
              break;
            }
          } catch {
            // connection refused or reset: the server is down
          }
          retries++;
          if (attempt > 200) throw new Error("a batch was never acknowledged");
          await sleep(100);
        }
      }
    });
    // Kill while the load is in full swing: a third of it acknowledged.
    while (acknowledged.size < (6 * batchesPerClient * 20) / 3) await sleep(10);
    server.child.kill("SIGKILL");
    expect(await server.exited).toEqual({ code: null, signal: "SIGKILL" });
    // On PGlite the data directory is opened by one process at a time: restart after exit.
    server = await spawnServer(database.env);
    await Promise.all(clients);
    server.child.kill("SIGTERM");
    expect((await server.exited).code).toBe(0);

    expect(retries).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(6 * batchesPerClient * 20);
    const stored = await storedIds();
    for (const id of acknowledged) expect(stored.get(id)).toBe(1);
    // No row beyond what was sent, none twice: rows of this test = acknowledged events.
    const [rows] = await database.query<{ n: number }>(
      "select count(*)::int as n from events where unit_id like 'kill-%'",
    );
    expect(rows!.n).toBe(acknowledged.size);
    expect(sent.size).toBe(acknowledged.size);
  }, 180_000);
});
