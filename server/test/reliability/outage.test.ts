import { createClient } from "@splitlab/sdk";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { type RunningServer, startServer } from "../../src/server.js";
import { startTestApp, type TestApp } from "../test-app.js";
import {
  ADMIN_TOKEN,
  createProcessDatabase,
  onPostgres,
  type ProcessDatabase,
  type Reply,
  send,
  startTcpProxy,
  type TcpProxy,
  trackEvents,
} from "./harness.js";

/** Every request the server answers during an outage, each with what it needs from the database. */
function outageRequests(url: string, sdkKey: string): { name: string; run: () => Promise<Reply> }[] {
  return [
    { name: "GET /healthz", run: () => send("GET", `${url}/healthz`) },
    {
      name: "POST /api/v1/events (track)",
      run: () =>
        send("POST", `${url}/api/v1/events`, { token: sdkKey, body: { events: trackEvents(3, "out") } }),
    },
    {
      // An experiment not in the cached catalog: the exposure reloads it.
      name: "POST /api/v1/events (exposure)",
      run: () =>
        send("POST", `${url}/api/v1/events`, {
          token: sdkKey,
          body: {
            events: [
              {
                id: crypto.randomUUID(),
                type: "exposure",
                experiment: "started-during-outage",
                variant: "control",
                unitId: "u1",
                timestamp: new Date().toISOString(),
              },
            ],
          },
        }),
    },
    {
      name: "GET /api/v1/experiments (admin)",
      run: () => send("GET", `${url}/api/v1/experiments`, { token: ADMIN_TOKEN }),
    },
    {
      name: "POST /api/v1/metrics (admin)",
      run: () =>
        send("POST", `${url}/api/v1/metrics`, {
          token: ADMIN_TOKEN,
          body: { key: "m-outage", name: "Outage", type: "binomial", eventName: "purchase" },
        }),
    },
  ];
}

/** Sends every outage request at once; each must be a 503 with Retry-After within `withinMs`. */
async function expectAll503(url: string, sdkKey: string, withinMs: number): Promise<void> {
  const results = await Promise.all(
    outageRequests(url, sdkKey).map(async ({ name, run }) => {
      const t0 = Date.now();
      const res = await run();
      return { name, status: res.status, retryAfter: res.headers["retry-after"], ms: Date.now() - t0 };
    }),
  );
  for (const r of results) {
    expect({ name: r.name, status: r.status, retryAfter: r.retryAfter !== undefined }).toEqual({
      name: r.name,
      status: 503,
      retryAfter: true,
    });
    expect(r.ms, r.name).toBeLessThan(withinMs);
  }
}

async function waitHealthy(url: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await send("GET", `${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`not healthy again within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("outage: the database closed under a running app (PGlite or PostgreSQL)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    app.testDb.cleanup = async () => {};
    await app.close();
  });

  it("answers 503 with Retry-After on every route, never 500", async () => {
    const created = await app.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "w", environment: "production" },
    });
    expect(created.status).toBe(201);
    await app.testDb.cleanup();
    await expectAll503(app.url, created.body.token, 5000);
  });
});

// A network outage needs a network database: PostgreSQL through a TCP proxy the test controls.
describe.runIf(onPostgres)("outage through a TCP proxy (PostgreSQL only: needs a network database)", () => {
  let database: ProcessDatabase;
  let proxy: TcpProxy;
  let server: RunningServer;
  let sdkKey: string;
  beforeAll(async () => {
    database = await createProcessDatabase();
    const target = new URL(database.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(database.url!);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startServer(
      parseConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: viaProxy.toString(),
        ADMIN_TOKEN,
        LOG_LEVEL: "silent",
        // Every ingestion request reads its key (the key cache is not what answers here).
        AUTH_CACHE_TTL_MS: "0",
      }),
      () => {},
    );
    const created = await send("POST", `${server.url}/api/v1/keys`, {
      token: ADMIN_TOKEN,
      body: { kind: "sdk", name: "outage", environment: "production" },
    });
    sdkKey = (JSON.parse(created.body) as { token: string }).token;
  });
  afterAll(async () => {
    await proxy.resume();
    await server.stop();
    await proxy.close();
    await database.cleanup();
  });

  async function sdkKeepsAndDelivers(outage: () => Promise<void> | void, recover: () => Promise<void>) {
    const client = createClient({
      apiHost: server.url,
      sdkKey,
      bootstrap: { version: "1", generatedAt: new Date().toISOString(), experiments: [] },
      refreshInterval: 0,
      flushInterval: 0,
      retryBaseMs: 100,
      retryMaxMs: 500,
      onError: () => {},
    });
    await outage();
    const unit = `sdk-${crypto.randomUUID()}`;
    for (let i = 0; i < 20; i++) client.track("purchase", { value: i }, { id: `${unit}-${i}` });
    await client.flush();
    expect(client.stats().dropped).toBe(0);
    const [during] = await database.query<{ n: number }>(
      `select count(*)::int as n from events where unit_id like '${unit}-%'`,
    );
    expect(during!.n).toBe(0);
    await recover();
    await waitHealthy(server.url, 15_000);
    await client.close();
    const [after] = await database.query<{ n: number }>(
      `select count(*)::int as n from events where unit_id like '${unit}-%'`,
    );
    expect(after!.n).toBe(20);
  }

  it("connections refused: every request answers 503 + Retry-After within seconds, the SDK delivers later, no restart", async () => {
    await proxy.refuse();
    await expectAll503(server.url, sdkKey, 5000);
    await sdkKeepsAndDelivers(
      () => {},
      () => proxy.resume(),
    );
    const ok = await send("POST", `${server.url}/api/v1/events`, {
      token: sdkKey,
      body: { events: trackEvents(2, "ok") },
    });
    expect(ok.status).toBe(200);
  }, 60_000);

  it("stalled connection: every request answers 503 + Retry-After within seconds, then recovers", async () => {
    proxy.stall();
    await expectAll503(server.url, sdkKey, 7000);
    await sdkKeepsAndDelivers(
      () => {},
      () => proxy.resume(),
    );
  }, 90_000);

  it("locked tables: /healthz and ingestion answer 503, not 200 or a hang, and recover when the lock goes", async () => {
    const locker = new pg.Client({ connectionString: database.url! });
    await locker.connect();
    try {
      await locker.query("begin");
      await locker.query("lock table events, exposures in exclusive mode");
      const t0 = Date.now();
      const [health, ingest] = await Promise.all([
        send("GET", `${server.url}/healthz`),
        send("POST", `${server.url}/api/v1/events`, {
          token: sdkKey,
          body: { events: trackEvents(2, "locked") },
        }),
      ]);
      expect(health.status).toBe(503);
      expect(ingest.status).toBe(503);
      expect(ingest.headers["retry-after"]).toBeDefined();
      expect(Date.now() - t0).toBeLessThan(7000);
      await locker.query("commit");
      await waitHealthy(server.url, 10_000);
      const ok = await send("POST", `${server.url}/api/v1/events`, {
        token: sdkKey,
        body: { events: trackEvents(2, "unlocked") },
      });
      expect(ok.status).toBe(200);
    } finally {
      await locker.end();
    }
  }, 60_000);
});
