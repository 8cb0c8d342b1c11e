/**
 * The SDK client against the real server over HTTP (createApp on loopback, a fresh migrated
 * database from createTestDb: PGlite, or PostgreSQL when DATABASE_URL is set). No mocks.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppInstance, createApp } from "../../server/src/app.js";
import type { Db } from "../../server/src/db.js";
import { createTestDb, type TestDb } from "../../server/test/test-db.js";
import { assignVariant } from "../src/assign.js";
import { type ClientOptions, createClient } from "../src/client.js";
import type { StorageLike } from "../src/runtime.js";

const ADMIN = "sdk-integration-admin-token-0123456789";

let testDb: TestDb;
let db: Db;
let instance: AppInstance;
let server: Server | null = null;
let port = 0;
let apiHost = "";
let sdkKey = "";

function listen(onPort: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = instance.app.listen(onPort, "127.0.0.1", () => {
      server = s;
      port = (s.address() as AddressInfo).port;
      apiHost = `http://127.0.0.1:${port}`;
      resolve();
    });
    s.once("error", reject);
  });
}

async function stopServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s) return;
  s.closeAllConnections();
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(apiHost + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function rows(sqlText: string): Promise<Record<string, unknown>[]> {
  return (await db.execute(sqlText)).rows as Record<string, unknown>[];
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function exposuresOf(unitPrefix: string) {
  return rows(
    `select experiment_key, variant_key, unit_id from exposures where unit_id like ${q(`${unitPrefix}%`)} order by unit_id`,
  );
}

async function eventsOf(unitPrefix: string) {
  return rows(
    `select id, name, unit_id, value from events where unit_id like ${q(`${unitPrefix}%`)} order by unit_id`,
  );
}

async function waitFor<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function sdk(extra: Partial<ClientOptions> = {}) {
  const errors: unknown[] = [];
  const client = createClient({
    apiHost,
    sdkKey,
    refreshInterval: 0,
    flushInterval: 0,
    storage: null,
    retryBaseMs: 50,
    retryMaxMs: 200,
    onError: (e) => errors.push(e),
    ...extra,
  });
  return { client, errors };
}

beforeAll(async () => {
  testDb = await createTestDb();
  db = testDb.db;
  instance = createApp({ db, adminToken: ADMIN, clientDist: null });
  await listen(0);
  const key = (await admin("POST", "/api/v1/keys", {
    kind: "sdk",
    name: "sdk tests",
    environment: "test",
  })) as {
    token: string;
  };
  sdkKey = key.token;
  await admin("POST", "/api/v1/experiments", {
    key: "checkout",
    name: "Checkout",
    variants: [
      { key: "control", weight: 0.5, payload: { color: "grey" } },
      { key: "treatment", weight: 0.5, payload: { color: "green" } },
    ],
    coverage: 0.5,
    condition: { country: { $in: ["US", "CA"] } },
    forced: { "qa-1": "treatment" },
  });
  await admin("POST", "/api/v1/experiments/checkout/start");
});

afterAll(async () => {
  await stopServer();
  await instance?.drain();
  await testDb?.cleanup();
});

describe("SDK client against the real server", () => {
  it("fetches the config, assigns exactly like the pure core, and revalidates with the ETag (304)", async () => {
    const { client, errors } = sdk();
    await client.ready();
    expect(errors).toEqual([]);
    const config = client.getConfig()!;
    const exp = config.experiments.find((e) => e.key === "checkout")!;
    expect(exp).toMatchObject({ hashVersion: 1, coverage: 0.5, seed: "checkout", unitAttribute: "id" });
    for (let i = 0; i < 50; i++) {
      const user = { id: `fetch-${i}`, country: i % 3 === 0 ? "DE" : "US" };
      expect(client.getAssignment("checkout", user)).toEqual(assignVariant(exp, user));
    }

    let changes = 0;
    client.subscribe(() => changes++);
    await client.refresh(); // If-None-Match -> 304: same object kept, no change event
    expect(client.getConfig()).toBe(config);
    expect(changes).toBe(0);

    await admin("PATCH", "/api/v1/experiments/checkout", { coverage: 0.6 }); // allowed: coverage up
    await client.refresh();
    expect(changes).toBe(1);
    expect(client.getConfig()!.experiments.find((e) => e.key === "checkout")!.coverage).toBe(0.6);
    expect(client.getConfig()!.version).not.toBe(config.version);
    await client.close();
  });

  it("delivers exposures once per (experiment, unit, variant), never for forced users, and track events", async () => {
    const { client, errors } = sdk();
    await client.ready();
    const users = Array.from({ length: 40 }, (_, i) => ({
      id: `deliver-${String(i).padStart(2, "0")}`,
      country: "US",
    }));
    const expected = users
      .map((u) => ({ u, a: client.getAssignment("checkout", u) }))
      .filter(({ a }) => a.reason === "assigned")
      .map(({ u, a }) => ({ experiment_key: "checkout", variant_key: a.variant, unit_id: u.id }));
    expect(expected.length).toBeGreaterThan(5);
    for (const u of users) client.getVariant("checkout", u); // repeats are deduped
    expect(client.getAssignment("checkout", { id: "qa-1", country: "DE" }).reason).toBe("forced");
    client.track("purchase", { value: 9.5, properties: { plan: "pro" } }, users[0]);
    await client.flush();

    expect(await exposuresOf("deliver-")).toEqual(expected);
    expect(await rows(`select 1 from exposures where unit_id = 'qa-1'`)).toHaveLength(0);
    expect(await eventsOf("deliver-")).toMatchObject([
      { name: "purchase", unit_id: "deliver-00", value: 9.5 },
    ]);
    expect(client.stats()).toMatchObject({ queued: 0, sent: expected.length + 1, rejected: 0 });
    expect(errors).toEqual([]);
    await client.close();
  });

  it("stamps exposures and events with the injected clock (simulated time), not the wall clock", async () => {
    const simulated = Date.parse("2026-03-10T08:30:00.000Z");
    let clock = simulated;
    const { client, errors } = sdk({ now: () => clock });
    await client.ready();
    const user = { id: "clock-1", country: "US" };
    client.getVariant("checkout", user);
    clock += 3_600_000; // one simulated hour later
    client.track("purchase", { value: 3 }, user);
    await client.flush();
    const times = await rows(
      `select 'exposure' as kind, ts from exposures where unit_id = 'clock-1' union all select 'track', ts from events where unit_id = 'clock-1' order by kind`,
    );
    expect(times.map((r) => [r.kind, new Date(r.ts as string).toISOString()])).toEqual([
      ["exposure", "2026-03-10T08:30:00.000Z"],
      ["track", "2026-03-10T09:30:00.000Z"],
    ]);
    expect(errors).toEqual([]);
    await client.close();
  });

  it("copies only the attributes named in exposureAttributes onto exposures (for breakdowns)", async () => {
    const { client, errors } = sdk({ exposureAttributes: ["device", "country", "vip"] });
    await client.ready();
    const users = Array.from({ length: 30 }, (_, i) => ({
      id: `attrs-${String(i).padStart(2, "0")}`,
      country: "US",
      email: `u${i}@example.com`, // never named: never sent
      ...(i % 2 === 0 ? { device: "mobile", vip: false } : {}),
    }));
    const assigned = users.filter((u) => client.getAssignment("checkout", u).reason === "assigned");
    expect(assigned.length).toBeGreaterThan(5);
    await client.flush();
    const stored = await rows(
      `select unit_id, attributes from exposures where unit_id like 'attrs-%' order by unit_id`,
    );
    expect(stored).toEqual(
      assigned.map((u) => ({
        unit_id: u.id,
        attributes: "device" in u ? { country: "US", device: "mobile", vip: false } : { country: "US" },
      })),
    );
    // Without the option nothing but the unit id leaves the app.
    const plain = sdk();
    await plain.client.ready();
    for (const u of assigned) plain.client.getVariant("checkout", { ...u, id: `plain-${u.id}` });
    await plain.client.flush();
    const bare = await rows(`select attributes from exposures where unit_id like 'plain-attrs-%'`);
    expect(bare.length).toBeGreaterThan(0);
    expect(bare.every((r) => r.attributes === null)).toBe(true);
    expect([...errors, ...plain.errors]).toEqual([]);
    await client.close();
    await plain.client.close();
  });

  it("drops only the events the server rejected, reporting each reason", async () => {
    const { client, errors } = sdk();
    client.track("x".repeat(300), {}, { id: "reject-1" }); // name over 256 chars
    client.track("signup", {}, { id: "reject-2" });
    await client.flush();
    expect(await eventsOf("reject-")).toMatchObject([{ name: "signup", unit_id: "reject-2" }]);
    expect(client.stats()).toMatchObject({ queued: 0, sent: 1, rejected: 1 });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/rejected/);
    await client.close();
  });

  it("keeps events while the server is down and delivers them, with the same ids, after it comes back on the same port", async () => {
    // Observe (not replace) the real fetch to see the ids of each attempt.
    const attempts: string[][] = [];
    const observed = async (url: string, init?: Parameters<typeof fetch>[1]) => {
      if (typeof init?.body === "string") {
        attempts.push((JSON.parse(init.body) as { events: { id: string }[] }).events.map((e) => e.id));
      }
      return fetch(url, init);
    };
    const { client, errors } = sdk({ closeTimeoutMs: 100, fetch: observed });
    await client.ready();
    const samePort = port;
    await stopServer();
    client.track("purchase", { value: 1 }, { id: "outage-1" });
    client.track("purchase", { value: 2 }, { id: "outage-2" });
    await client.flush(); // connection refused: kept, retry scheduled with backoff
    expect(client.stats().queued).toBe(2);
    expect(errors.length).toBeGreaterThan(0);

    await listen(samePort);
    const delivered = await waitFor(
      () => eventsOf("outage-"),
      (r) => r.length === 2,
    );
    expect(delivered).toMatchObject([
      { unit_id: "outage-1", value: 1 },
      { unit_id: "outage-2", value: 2 },
    ]);
    // The rows are committed before the server answers, so give the client its answer too.
    const stats = await waitFor(
      async () => client.stats(),
      (st) => st.queued === 0,
    );
    expect(stats).toMatchObject({ queued: 0, sent: 2 });
    // Every attempt (the refused one and the retries) carried the same two ids, now stored.
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    for (const ids of attempts) expect(ids).toEqual(attempts[0]);
    expect(delivered.map((r) => r.id).sort()).toEqual([...attempts[0]!].sort());
    await client.close();
  });

  it("a re-sent event is stored once (the server idempotency that retries rely on)", async () => {
    const { client } = sdk();
    client.track("view", {}, { id: "idem-1" });
    await client.flush();
    const [first] = await eventsOf("idem-");
    // Post the very same event again, as a retry after a lost answer would.
    const res = await fetch(`${apiHost}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${sdkKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          {
            id: first!.id,
            type: "track",
            name: "view",
            unitId: "idem-1",
            timestamp: new Date().toISOString(),
          },
        ],
      }),
    });
    expect(await res.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await eventsOf("idem-")).toHaveLength(1);
    await client.close();
  });

  it("with requireConsent sends and stores nothing until consent; withdrawing clears the queue", async () => {
    const store = new Map<string, string>();
    const storage: StorageLike = {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    };
    const { client } = sdk({ requireConsent: true, storage, flushInterval: 20 });
    await client.ready();
    client.track("view", {}, { id: "consent-1" });
    client.getVariant("checkout", { id: "consent-1", country: "US" });
    await client.flush();
    await new Promise((r) => setTimeout(r, 100)); // several flush intervals
    expect(await eventsOf("consent-")).toHaveLength(0);
    expect(store.size).toBe(0);

    client.setConsent(false); // withdrawn: the waiting events are gone
    client.setConsent(true);
    await client.flush();
    expect(await eventsOf("consent-")).toHaveLength(0);
    expect(client.stats().queued).toBe(0);

    client.track("view", {}, { id: "consent-2" }); // after consent: sent, config stored
    await client.flush();
    expect(await eventsOf("consent-")).toMatchObject([{ unit_id: "consent-2" }]);
    expect(store.size).toBe(1);
    await client.close();
  });

  it("close() delivers what is queued before it resolves", async () => {
    const { client } = sdk();
    for (let i = 0; i < 3; i++) client.track("close-test", { value: i }, { id: `close-${i}` });
    await client.close();
    expect(await eventsOf("close-")).toHaveLength(3);
  });

  it("works offline from the last good config kept in storage", async () => {
    const store = new Map<string, string>();
    const storage: StorageLike = {
      getItem: (k) => store.get(k) ?? null,
      setItem: (k, v) => void store.set(k, v),
      removeItem: (k) => void store.delete(k),
    };
    const online = sdk({ storage });
    await online.client.ready();
    const variant = online.client.getVariant("checkout", { id: "offline-1", country: "US" });
    await online.client.close();

    const offline = sdk({ storage, apiHost: "http://127.0.0.1:9", closeTimeoutMs: 50 });
    await offline.client.ready();
    expect(offline.errors.length).toBeGreaterThan(0); // the fetch failed...
    expect(offline.client.getVariant("checkout", { id: "offline-1", country: "US" })).toBe(variant); // ...yet it assigns
    await offline.client.close();
  });
});
