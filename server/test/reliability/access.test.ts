import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db.js";
import { createAuth } from "../../src/features/keys/keys.auth.js";
import { startTestApp, type TestApp } from "../test-app.js";
import {
  ADMIN_TOKEN,
  createProcessDatabase,
  createSdkKey,
  onPostgres,
  type ProcessDatabase,
  type ServerProcess,
  send,
  spawnServer,
  trackEvents,
} from "./harness.js";

describe("access: SDK keys, stored keys, abuse (PGlite or PostgreSQL)", () => {
  let app: TestApp;
  let sdk: { id: string; token: string };
  beforeAll(async () => {
    app = await startTestApp({ rateLimits: { authFailuresPerMinute: 10 } });
    const res = await app.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "web", environment: "production" },
    });
    sdk = res.body;
  });
  afterAll(() => app.close());

  it("an SDK key cannot reach any admin endpoint", async () => {
    const admin: [string, string][] = [
      ["GET", "/api/v1/experiments"],
      ["POST", "/api/v1/experiments"],
      ["GET", "/api/v1/metrics"],
      ["GET", "/api/v1/layers"],
      ["GET", "/api/v1/keys"],
      ["POST", "/api/v1/keys"],
      ["POST", `/api/v1/keys/${sdk.id}/revoke`],
      ["GET", "/api/v1/audit"],
      ["GET", "/api/v1/experiments/any/results"],
      ["DELETE", "/api/v1/units/u1"],
    ];
    for (const [method, path] of admin) {
      const res = await app.request(method, path, {
        token: sdk.token,
        body: method === "POST" ? {} : undefined,
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
    // The key still works where it belongs, so the 403s above were not a dead key.
    expect((await app.request("GET", "/api/v1/sdk/config", { token: sdk.token })).status).toBe(200);
  });

  it("keys are stored hashed (sha-256), never the token", async () => {
    const rows = await app.db.execute<Record<string, unknown>>(
      sql`select * from api_keys where id = ${sdk.id}`,
    );
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain(sdk.token);
    expect(stored).toContain(createHash("sha256").update(sdk.token).digest("hex"));
  });

  it("429 after repeated bad tokens from one address, before any look-up", async () => {
    const guesses = [];
    for (let i = 0; i < 12; i++) {
      guesses.push((await app.request("GET", "/api/v1/sdk/config", { token: `sdk_guess_${i}` })).status);
    }
    expect(guesses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(guesses.slice(10)).toEqual([429, 429]);
    const blocked = await app.request("GET", "/api/v1/experiments", { token: "adm_guess" });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).not.toBeNull();
  });
});

describe("access: per-key limit (PGlite or PostgreSQL)", () => {
  it("429 + Retry-After per key once it exceeds RATE_LIMIT_KEY_PER_SECOND; other keys are not affected", async () => {
    const app = await startTestApp({ rateLimits: { keyPerSecond: 10 } });
    try {
      const key = async (name: string) =>
        (
          await app.request("POST", "/api/v1/keys", {
            body: { kind: "sdk", name, environment: "production" },
          })
        ).body as { token: string };
      const [busy, quiet] = [await key("busy"), await key("quiet")];
      const t0 = Date.now();
      const replies = await Promise.all(
        Array.from({ length: 60 }, () => app.request("GET", "/api/v1/sdk/config", { token: busy.token })),
      );
      // Fixed one-second windows: at most 10 per window the burst touched.
      const windows = Math.ceil((Date.now() - t0) / 1000) + 1;
      const limited = replies.filter((r) => r.status === 429);
      expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(10 * windows);
      expect(limited.length).toBeGreaterThanOrEqual(60 - 10 * windows);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(limited[0]!.body.error.code).toBe("rate_limited");
      expect((await app.request("GET", "/api/v1/sdk/config", { token: quiet.token })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe("access: per-IP limit (PGlite or PostgreSQL)", () => {
  it("answers 429 + Retry-After to an address over RATE_LIMIT_IP_PER_SECOND", async () => {
    const app = await startTestApp({ rateLimits: { ipPerSecond: 15 } });
    try {
      const replies = await Promise.all(
        Array.from({ length: 25 }, () => app.request("GET", "/api/openapi.json")),
      );
      expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(15);
      const limited = replies.filter((r) => r.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(10);
      expect(limited[0]!.headers.get("retry-after")).toBe("1");
    } finally {
      await app.close();
    }
  });
});

describe("access: negative cache of unknown tokens (PGlite or PostgreSQL)", () => {
  it("an unknown token is looked up once, then answered from memory until a key changes", async () => {
    const app = await startTestApp();
    try {
      let lookups = 0;
      // The real database, with its key look-ups (selects) counted.
      const counted = new Proxy(app.db, {
        get(target, prop, receiver) {
          if (prop === "select") lookups++;
          return Reflect.get(target, prop, receiver);
        },
      }) as Db;
      const auth = createAuth({ db: counted });
      for (let i = 0; i < 5; i++) expect(await auth.authenticate("sdk_not_a_key")).toBeUndefined();
      expect(lookups).toBe(1);
      auth.invalidate();
      expect(await auth.authenticate("sdk_not_a_key")).toBeUndefined();
      expect(lookups).toBe(2);
    } finally {
      await app.close();
    }
  });
});

// Cross-process invalidation is PostgreSQL LISTEN/NOTIFY between two server processes.
describe.runIf(onPostgres)(
  "revocation across processes (PostgreSQL only: LISTEN/NOTIFY between two processes)",
  () => {
    let database: ProcessDatabase;
    let a: ServerProcess;
    let b: ServerProcess;
    beforeAll(async () => {
      database = await createProcessDatabase();
      a = await spawnServer(database.env);
      b = await spawnServer(database.env);
    }, 180_000);
    afterAll(async () => {
      a?.child.kill("SIGTERM");
      b?.child.kill("SIGTERM");
      await Promise.all([a?.exited, b?.exited]);
      await database.cleanup();
    });

    it("a key revoked on one process is refused at once by the other, which had it cached", async () => {
      const key = await createSdkKey(a.url);
      // Process B accepts (and caches) the key.
      const before = await send("POST", `${b.url}/api/v1/events`, {
        token: key.token,
        body: { events: trackEvents(1, "rev-ok") },
      });
      expect(before.status).toBe(200);
      const revoked = await send("POST", `${a.url}/api/v1/keys/${key.id}/revoke`, { token: ADMIN_TOKEN });
      expect(revoked.status).toBe(200);
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          send("POST", `${b.url}/api/v1/events`, {
            token: key.token,
            body: { events: trackEvents(5, "rev-after") },
          }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
      const [stored] = await database.query<{ n: number }>(
        "select count(*)::int as n from events where unit_id like 'rev-after-%'",
      );
      expect(stored!.n).toBe(0);
    }, 60_000);

    it("a revocation whose notification was lost (listener connection killed) is still seen within 2 s", async () => {
      const key = await createSdkKey(a.url);
      const post = () =>
        send("POST", `${b.url}/api/v1/events`, {
          token: key.token,
          body: { events: trackEvents(1, "lost") },
        });
      expect((await post()).status).toBe(200); // cached by B
      await database.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'",
      );
      // Revoked behind the servers' backs: no NOTIFY at all.
      await database.query(`update api_keys set revoked_at = now() where id = '${key.id}'`);
      const t0 = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - t0 < 2000) {
        status = (await post()).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
    }, 60_000);
  },
);
