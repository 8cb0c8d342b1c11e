import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, TEST_ADMIN_TOKEN, type TestApp } from "../../../test/test-app.js";
import { SEGMENT_MESSAGE_ID_NAMESPACE, uuidV5 } from "./segment.mapping.js";
import type { SegmentIngestResponse } from "./segment.schemas.js";

// The Segment endpoints over real HTTP on the real app (PGlite, or PostgreSQL with DATABASE_URL).

let t: TestApp;
let sdkKey: string;

beforeAll(async () => {
  t = await startTestApp();
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "segment", environment: "production" },
  });
  expect(key.status).toBe(201);
  sdkKey = key.body.token;
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.execute(sql`delete from events`);
  await t.db.execute(sql`delete from exposures`);
});

/** Segment's write-key auth: the key as basic auth user name, empty password. */
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;
const PATH = "/api/v1/integrations/segment";
const NO_IGNORED = { identify: 0, page: 0, screen: 0, group: 0, alias: 0 };

async function send(
  path: string,
  body: unknown,
  auth: string | null = basic(sdkKey),
): Promise<{ status: number; body: SegmentIngestResponse & { error?: { message: string } } }> {
  const res = await fetch(`${t.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as never };
}

const trackCall = (over: Record<string, unknown> = {}) => ({
  type: "track",
  event: "Order Completed",
  userId: "user-1",
  anonymousId: "anon-1",
  messageId: `api-${randomUUID()}`,
  timestamp: "2024-05-01T10:00:00.000Z",
  properties: { revenue: 12.5, currency: "EUR" },
  context: { library: { name: "analytics-node", version: "6.0.0" } },
  ...over,
});

interface Row {
  id: string;
  name: string;
  unit_id: string;
  value: number | null;
  properties: unknown;
  ts: string;
}
async function rows(): Promise<Row[]> {
  const r = await t.db.execute(
    sql`select id, name, unit_id, value, properties, ts from events order by unit_id`,
  );
  return r.rows.map((row) => ({ ...(row as unknown as Row), ts: new Date(String(row.ts)).toISOString() }));
}

describe("POST /api/v1/integrations/segment", () => {
  it("stores a track call sent to /track with Segment's basic auth, mapped field by field", async () => {
    const call = trackCall();
    const res = await send(`${PATH}/track`, call);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [], ignored: NO_IGNORED });
    expect(await rows()).toEqual([
      {
        id: uuidV5(call.messageId, SEGMENT_MESSAGE_ID_NAMESPACE),
        name: "Order Completed",
        unit_id: "user-1",
        value: 12.5,
        properties: { revenue: 12.5, currency: "EUR" },
        ts: "2024-05-01T10:00:00.000Z",
      },
    ]);
    // `type` may be omitted on /track, as on Segment's /v1/track; Bearer works too.
    const { type: _, ...untyped } = trackCall({ userId: "user-2" });
    const bearer = await send(`${PATH}/track`, untyped, `Bearer ${sdkKey}`);
    expect(bearer.body).toMatchObject({ accepted: 1, rejected: [] });
  });

  it("maps a batch: userId else anonymousId, revenue else value, other call types counted and ignored", async () => {
    const batch = [
      trackCall({ userId: "u-both" }), // userId wins
      trackCall({ userId: undefined, anonymousId: "a-only" }),
      trackCall({ userId: "", anonymousId: "a-empty-user" }), // an empty userId is no userId
      trackCall({ userId: null, anonymousId: "a-null-user", properties: { value: 3 } }),
      trackCall({ userId: "u-revenue-first", properties: { revenue: 7, value: 99 } }),
      trackCall({ userId: "u-no-value", properties: undefined }),
      { type: "identify", userId: "u-both", traits: { plan: "pro" } },
      { type: "identify", anonymousId: "a-only" },
      { type: "page", userId: "u-both", name: "Home" },
      { type: "alias", userId: "u-both", previousId: "a-only" },
    ];
    const res = await send(`${PATH}/batch`, { batch });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 6,
      duplicates: 0,
      rejected: [],
      ignored: { identify: 2, page: 1, screen: 0, group: 0, alias: 1 },
    });
    const stored = await rows();
    expect(stored.map((r) => [r.unit_id, r.value])).toEqual([
      ["a-empty-user", 12.5],
      ["a-null-user", 3],
      ["a-only", 12.5],
      ["u-both", 12.5],
      ["u-no-value", null],
      ["u-revenue-first", 7],
    ]);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/segment_calls_ignored_total\{type="identify"\} 2\b/);
    expect(metrics).toMatch(/segment_calls_ignored_total\{type="alias"\} 1\b/);
  });

  it("takes one call or { batch } at the bare path (webhook destinations post there)", async () => {
    const one = await send(PATH, trackCall({ userId: "single" }));
    expect(one.body).toEqual({ accepted: 1, duplicates: 0, rejected: [], ignored: NO_IGNORED });
    const ignoredOnly = await send(PATH, { type: "screen", userId: "single", name: "Cart" });
    expect(ignoredOnly.body).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [],
      ignored: { ...NO_IGNORED, screen: 1 },
    });
    const batch = await send(PATH, { batch: [trackCall({ userId: "b1" }), { type: "group", groupId: "g" }] });
    expect(batch.body).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
      ignored: { ...NO_IGNORED, group: 1 },
    });
    // Segment's Webhooks (Actions) destination posts a batch as a bare array.
    const array = await send(PATH, [trackCall({ userId: "arr" }), trackCall({ event: "" })]);
    expect(array.body).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, reason: expect.stringMatching(/^\[1\]\.event: /) }],
    });
    expect((await rows()).map((r) => r.unit_id)).toEqual(["arr", "b1", "single"]);
  });

  it("messageId is the idempotency id: a resent batch is all duplicates and stored once", async () => {
    const batch = [trackCall({ userId: "r1" }), trackCall({ userId: "r2" }), trackCall({ userId: "r3" })];
    const first = await send(`${PATH}/batch`, { batch });
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0 });
    // Segment retries the same payload; a webhook may deliver a call again on its own.
    const resent = await send(`${PATH}/batch`, { batch });
    expect(resent.body).toMatchObject({ accepted: 0, duplicates: 3, rejected: [] });
    const again = await send(PATH, batch[1]);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await rows()).map((r) => r.unit_id)).toEqual(["r1", "r2", "r3"]);
  });

  it("a single bad call is a 400 naming the field and stores nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [trackCall({ event: undefined }), "event: required"],
      [trackCall({ event: "" }), "event: required"],
      [
        trackCall({ userId: undefined, anonymousId: undefined }),
        "userId: required: neither userId nor anonymousId",
      ],
      [trackCall({ userId: 42 }), "userId: must be a string"],
      [trackCall({ timestamp: "yesterday" }), "timestamp: "],
      [trackCall({ timestamp: "1999-12-31T23:59:59Z" }), "timestamp: before 2000-01-01"],
      [
        trackCall({ timestamp: undefined, originalTimestamp: "soon" }),
        "originalTimestamp: must be an ISO-8601",
      ],
      [trackCall({ properties: { revenue: "12.50" } }), "properties.revenue: must be a number"],
      [trackCall({ properties: { value: true } }), "properties.value: must be a number"],
      [trackCall({ properties: { revenue: 1e16 } }), "properties.revenue: must be between"],
      [trackCall({ messageId: undefined }), "messageId: required"],
      [trackCall({ event: "x".repeat(257) }), "event: "],
      [trackCall({ properties: { note: "y".repeat(300) } }), "properties.note: string longer than 256"],
      [trackCall({ type: "click" }), 'type: unknown call type "click"'],
    ];
    for (const [call, message] of cases) {
      const res = await send(PATH, call);
      expect(res.status, message).toBe(400);
      expect(res.body.error?.message, message).toContain(message);
    }
    const onTrack = await send(`${PATH}/track`, { type: "identify", userId: "u" });
    expect(onTrack.status).toBe(400);
    expect(onTrack.body.error?.message).toMatch(/^type: this endpoint takes track calls/);
    expect(await rows()).toEqual([]);
  });

  it("a bad call in a batch is rejected by index naming batch[i].field, and the rest are stored (as /api/v1/events)", async () => {
    const future = new Date(Date.now() + 25 * 3600_000).toISOString();
    const batch = [
      trackCall({ userId: "ok-0" }),
      trackCall({ event: undefined }), // 1
      trackCall({ userId: undefined, anonymousId: "" }), // 2
      trackCall({ timestamp: "not a time" }), // 3
      trackCall({ timestamp: future }), // 4
      "not a call", // 5
      trackCall({ userId: "ok-6", properties: { value: "3" } }), // 6
      trackCall({ userId: "ok-7" }),
    ];
    const res = await send(`${PATH}/batch`, { batch });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const reasons = res.body.rejected.map((r) => [r.index, r.reason.split(": ")[0]]);
    expect(reasons).toEqual([
      [1, "batch[1].event"],
      [2, "batch[2].userId"],
      [3, "batch[3].timestamp"],
      [4, "batch[4].timestamp"],
      [5, "batch[5]"],
      [6, "batch[6].properties.value"],
    ]);
    expect(res.body.rejected[3]!.reason).toMatch(/24 h in the future/);
    expect((await rows()).map((r) => r.unit_id)).toEqual(["ok-0", "ok-7"]);
  });

  it("without timestamp: originalTimestamp corrected by sentAt (Segment's clock-skew rule), else the receive time", async () => {
    const before = Date.now();
    // The sender's clock is 1 h behind: it sent at 09:00:10 an event of 09:00:00 (its time).
    const res = await send(`${PATH}/batch`, {
      sentAt: "2024-05-01T09:00:10.000Z",
      batch: [
        trackCall({ userId: "skewed", timestamp: undefined, originalTimestamp: "2024-05-01T09:00:00.000Z" }),
        trackCall({ userId: "received", timestamp: undefined }),
      ],
    });
    const after = Date.now();
    expect(res.body).toMatchObject({ accepted: 2, rejected: [] });
    const [received, skewed] = await rows();
    const receivedMs = Date.parse(received!.ts);
    expect(receivedMs).toBeGreaterThanOrEqual(before);
    expect(receivedMs).toBeLessThanOrEqual(after);
    // receivedAt - (sentAt - originalTimestamp) = receivedAt - 10 s
    const skewedMs = Date.parse(skewed!.ts);
    expect(skewedMs).toBeGreaterThanOrEqual(before - 10_000);
    expect(skewedMs).toBeLessThanOrEqual(after - 10_000);
  });

  it("401 without or with a wrong key, 403 for an admin token, storing nothing", async () => {
    const call = trackCall();
    expect((await send(PATH, call, null)).status).toBe(401);
    expect((await send(PATH, call, basic("sdk_wrong"))).status).toBe(401);
    // A password is never part of the key.
    const withPassword = `Basic ${Buffer.from(`${sdkKey}:secret`).toString("base64")}`;
    expect((await send(PATH, call, withPassword)).status).toBe(401);
    const missing = await send(`${PATH}/batch`, { batch: [call] }, null);
    expect(missing.body.error?.message).toMatch(/basic auth/);
    for (const auth of [basic(TEST_ADMIN_TOKEN), `Bearer ${TEST_ADMIN_TOKEN}`]) {
      const res = await send(PATH, call, auth);
      expect(res.status).toBe(403);
      expect(res.body.error?.message).toMatch(/SDK key/);
    }
    // Basic auth is for these endpoints only: /api/v1/events still wants a Bearer key.
    const events = await fetch(`${t.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: basic(sdkKey), "content-type": "application/json" },
      body: JSON.stringify({ events: [] }),
    });
    expect(events.status).toBe(401);
    expect(await rows()).toEqual([]);
  });

  it("the API reference documents the basic-auth form on these endpoints only", async () => {
    const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, { scheme: string }> };
      paths: Record<string, { post?: { security: Record<string, string[]>[] } }>;
    };
    expect(doc.components.securitySchemes.sdkKeyBasic?.scheme).toBe("basic");
    for (const path of [PATH, `${PATH}/track`, `${PATH}/batch`]) {
      expect(doc.paths[path]?.post?.security).toContainEqual({ sdkKeyBasic: [] });
    }
    expect(doc.paths["/api/v1/events"]?.post?.security).not.toContainEqual({ sdkKeyBasic: [] });
  });

  it("413 over 1 MB, 400 over 1000 calls or for a malformed body, storing nothing", async () => {
    const big = await send(`${PATH}/batch`, {
      batch: [trackCall()],
      pad: "p".repeat(1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.message).toMatch(/1 MB/);
    const many = await send(`${PATH}/batch`, { batch: Array.from({ length: 1001 }, () => trackCall()) });
    expect(many.status).toBe(400);
    expect(many.body.error?.message).toBe("batch: at most 1000 calls per request");
    const cases: [string, string, string][] = [
      [PATH, "{nope", "not valid JSON"],
      [PATH, "12", "must be a JSON object"],
      [`${PATH}/track`, "[]", "must be a JSON object"],
      [`${PATH}/batch`, '{"batch": {}}', "batch: must be an array"],
      [`${PATH}/batch`, '{"batch": [], "sentAt": "later"}', "sentAt: must be an ISO-8601"],
    ];
    for (const [path, raw, message] of cases) {
      const res = await send(path, raw);
      expect(res.status, raw).toBe(400);
      expect(res.body.error?.message).toContain(message);
    }
    expect(await rows()).toEqual([]);
  });
});

describe("Segment events and environments", () => {
  it("a staging key's Segment events are stored under staging, a production key's under production", async () => {
    const staging = await t.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "segment staging", environment: "staging" },
    });
    expect(staging.status).toBe(201);
    await send(PATH, trackCall({ userId: "prod-user" }));
    await send(PATH, trackCall({ userId: "staging-user" }), basic(staging.body.token));
    const stored = await t.db.execute(sql`select unit_id, environment from events order by unit_id`);
    expect(stored.rows).toEqual([
      { unit_id: "prod-user", environment: "production" },
      { unit_id: "staging-user", environment: "staging" },
    ]);
  });
});

describe("Segment events in an experiment's results", () => {
  it("a track call sent through Segment counts for a unit exposed through /api/v1/events, once", async () => {
    for (const body of [
      { key: "seg-bought", name: "Bought", eventName: "Order Completed", type: "binomial", windowHours: 24 },
      { key: "seg-revenue", name: "Revenue", eventName: "Order Completed", type: "sum", windowHours: 24 },
    ]) {
      expect((await t.request("POST", "/api/v1/metrics", { body })).status).toBe(201);
    }
    const created = await t.request("POST", "/api/v1/experiments", {
      body: {
        key: "seg",
        name: "Segment",
        variants: [
          { key: "control", weight: 0.5 },
          { key: "treatment", weight: 0.5 },
        ],
        primaryMetrics: ["seg-bought"],
        guardrailMetrics: ["seg-revenue"],
      },
    });
    expect(created.status).toBe(201);
    expect((await t.request("POST", "/api/v1/experiments/seg/start")).status).toBe(200);
    await t.db.execute(sql`update experiments set started_at = now() - interval '3 days' where key = 'seg'`);
    const started = Date.parse((await t.request("GET", "/api/v1/experiments/seg")).body.startedAt);
    const at = (ms: number) => new Date(ms).toISOString();
    const units = [
      ["c1", "control"],
      ["c2", "control"],
      ["t1", "treatment"],
      ["t2", "treatment"],
    ] as const;
    const exposed = await t.request("POST", "/api/v1/events", {
      token: sdkKey,
      body: {
        events: units.map(([unitId, variant]) => ({
          id: randomUUID(),
          type: "exposure",
          experiment: "seg",
          variant,
          unitId,
          timestamp: at(started + 1000),
        })),
      },
    });
    expect(exposed.body).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    const purchase = at(started + 3_600_000);
    const batch = [
      trackCall({ userId: "c1", timestamp: purchase, properties: { revenue: 10 } }),
      trackCall({ userId: "t1", timestamp: purchase, properties: { revenue: 20 } }),
      // anonymous (empty userId): the unit is the anonymousId; the value comes from `value`
      trackCall({ userId: "", anonymousId: "t2", timestamp: purchase, properties: { value: 5 } }),
      trackCall({ userId: "c2", event: "Product Viewed", timestamp: purchase }), // another event
      { type: "identify", userId: "c2", traits: {} },
    ];
    expect((await send(`${PATH}/batch`, { batch })).body).toMatchObject({ accepted: 4, rejected: [] });
    // Segment retries the batch: nothing is counted twice.
    expect((await send(`${PATH}/batch`, { batch })).body).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(await t.instance.refresher.refresh("seg")).not.toBeNull();

    const report = (await t.request("GET", "/api/v1/experiments/seg/results")).body;
    expect(report.units).toEqual([
      { variant: "control", units: 2 },
      { variant: "treatment", units: 2 },
    ]);
    const metric = (key: string) => report.metrics.find((m: { metric: string }) => m.metric === key);
    // control: c1 bought 10, c2 did not; treatment: t1 bought 20, t2 bought 5
    expect(metric("seg-bought").variants.map((v: { conversions: number }) => v.conversions)).toEqual([1, 2]);
    expect(metric("seg-revenue").variants.map((v: { sum: number }) => v.sum)).toEqual([10, 25]);
  });
});
