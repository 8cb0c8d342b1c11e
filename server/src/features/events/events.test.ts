import { randomUUID } from "node:crypto";
import type { IngestResponse } from "@splitlab/sdk/types";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EventsHarness, startEventsHarness } from "../../../test/events-harness.js";
import { purgeExpired, startRetentionJob } from "../../use-cases/unit-data.js";
import { insertIngestRows } from "./events.repo.js";
import { GroupCommitWriter } from "./events.writer.js";

let h: EventsHarness;

beforeAll(async () => {
  h = await startEventsHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.db.execute(sql`delete from events`);
  await h.db.execute(sql`delete from exposures`);
});

const now = () => new Date().toISOString();
const track = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "track",
  name: "purchase",
  unitId: "u1",
  timestamp: now(),
  value: 12.5,
  properties: { plan: "pro" },
  ...over,
});
const exposure = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "exposure",
  experiment: "checkout",
  variant: "treatment",
  unitId: "u1",
  timestamp: now(),
  attributes: { country: "DE" },
  ...over,
});

function post(body: unknown, init: { key?: string | null; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "application/json" };
  const key = init.key === undefined ? h.sdkKey : init.key;
  if (key) headers.authorization = `Bearer ${key}`;
  return fetch(`${h.baseUrl}/api/v1/events`, {
    method: "POST",
    headers,
    body: init.raw ?? JSON.stringify(body),
  });
}

async function counts(): Promise<{ events: number; exposures: number }> {
  const r = await h.db.execute(
    sql`select (select count(*) from events)::int as events, (select count(*) from exposures)::int as exposures`,
  );
  const row = r.rows[0] as { events: number; exposures: number };
  return { events: Number(row.events), exposures: Number(row.exposures) };
}

describe("POST /api/v1/events", () => {
  it("stores exposures and track events and acknowledges them", async () => {
    const e = exposure();
    const t = track({ value: 3.25 });
    const res = await post({ events: [e, t] });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const ex = await h.db.execute(sql`select * from exposures`);
    expect(ex.rows).toHaveLength(1);
    expect(ex.rows[0]).toMatchObject({
      id: e.id,
      experiment_key: "checkout",
      variant_key: "treatment",
      unit_id: "u1",
      attributes: { country: "DE" },
      // The environment of the SDK key that sent it (the harness's key is a "test" key).
      environment: "test",
    });
    const ev = await h.db.execute(sql`select name, unit_id, value, properties, ts, environment from events`);
    expect(ev.rows[0]).toMatchObject({
      name: "purchase",
      unit_id: "u1",
      value: 3.25,
      properties: { plan: "pro" },
      environment: "test",
    });
    expect(new Date(ev.rows[0]!.ts as string).toISOString()).toBe(t.timestamp);
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/events_ingested_total\{type="exposure"\} [1-9]/);
    expect(metrics).toMatch(/events_ingested_total\{type="track"\} [1-9]/);
  });

  it("counts a repeated id as a duplicate, within a request and across requests", async () => {
    const a = track();
    const b = exposure();
    const first = await post({ events: [a, b, { ...a }, { ...a, id: a.id.toUpperCase() }] });
    expect(await first.json()).toEqual({ accepted: 2, duplicates: 2, rejected: [] });
    const retry = await post({ events: [a, b, track()] });
    expect(await retry.json()).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
    expect(await counts()).toEqual({ events: 2, exposures: 1 });
  });

  it("ids are unique per kind: one id as exposure and as track event is two rows, in one request or two", async () => {
    const id = randomUUID();
    const together = await post({ events: [exposure({ id }), track({ id })] });
    expect(await together.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const apart = randomUUID();
    expect(await (await post({ events: [exposure({ id: apart })] })).json()).toMatchObject({ accepted: 1 });
    expect(await (await post({ events: [track({ id: apart })] })).json()).toMatchObject({ accepted: 1 });
    // The same id again of either kind is a duplicate.
    const retry = await post({ events: [exposure({ id }), track({ id: apart })] });
    expect(await retry.json()).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    expect(await counts()).toEqual({ events: 2, exposures: 2 });
  });

  it("the idempotency key is (unit id, event id): one id sent for two units is two rows, each stored once", async () => {
    // docs/ingest.md: ids are unique per unit (the primary keys are (unit_id, id), as Citus
    // requires). SDKs generate a random UUID per event, so a shared id across units is a
    // client bug; both events are kept rather than one silently dropped.
    const id = randomUUID();
    const together = await post({ events: [track({ id, unitId: "a" }), track({ id, unitId: "b" })] });
    expect(await together.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const exposed = randomUUID();
    expect(await (await post({ events: [exposure({ id: exposed, unitId: "a" })] })).json()).toMatchObject({
      accepted: 1,
    });
    expect(await (await post({ events: [exposure({ id: exposed, unitId: "b" })] })).json()).toMatchObject({
      accepted: 1,
    });
    // Resending any of them (also with the id upper-cased) is a duplicate, never a second row.
    const retry = await post({
      events: [
        track({ id: id.toUpperCase(), unitId: "a" }),
        track({ id, unitId: "b" }),
        exposure({ id: exposed, unitId: "a" }),
        exposure({ id: exposed, unitId: "b" }),
      ],
    });
    expect(await retry.json()).toEqual({ accepted: 0, duplicates: 4, rejected: [] });
    expect(await counts()).toEqual({ events: 2, exposures: 2 });
  });

  it("concurrent requests resending the same (unit, id) store it once and count one acceptance", async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        // Every request carries the shared event for unit "same", plus one of its own units.
        const res = await post({
          events: [track({ id, unitId: "same" }), track({ id, unitId: `own-${i}` })],
        });
        expect(res.status).toBe(200);
        return (await res.json()) as IngestResponse;
      }),
    );
    expect(answers.reduce((s, a) => s + a.accepted, 0)).toBe(1 + 20);
    expect(answers.reduce((s, a) => s + a.duplicates, 0)).toBe(19);
    const rows = await h.db.execute(sql`select unit_id from events where id = ${id}`);
    const units = rows.rows.map((r) => String(r.unit_id)).sort();
    expect(units).toEqual(["same", ...Array.from({ length: 20 }, (_, i) => `own-${i}`)].sort());
  });

  it("rejects bad events with their index and reason and stores the rest", async () => {
    const future = new Date(Date.now() + 25 * 3600 * 1000).toISOString();
    const soon = new Date(Date.now() + 23 * 3600 * 1000).toISOString();
    const events = [
      track(), // 0 ok
      exposure({ experiment: "nope" }), // 1 unknown experiment
      exposure({ variant: "nope" }), // 2 unknown variant
      exposure({ experiment: "draft-exp", variant: "control" }), // 3 draft = unknown
      track({ timestamp: future }), // 4 > 24 h ahead
      track({ unitId: "x".repeat(257) }), // 5 too long
      track({ id: "not-a-uuid" }), // 6
      track({ name: undefined }), // 7 missing name
      { ...track(), type: "click" }, // 8 unknown type
      track({ properties: { note: "y".repeat(300) } }), // 9 long string inside properties
      track({ timestamp: "yesterday" }), // 10
      exposure({ experiment: "stopped-exp", variant: "control" }), // 11 ok: stopped still accepts
      track({ timestamp: soon }), // 12 ok
    ];
    const raw = JSON.stringify({ events: [...events, track({ value: 1, properties: undefined })] }).replace(
      /"value":1}\]}$/,
      '"value":1e999}]}',
    ); // 13 Infinity
    const res = await post(null, { raw });
    expect(res.status).toBe(200);
    const body = (await res.json()) as IngestResponse;
    expect(body.accepted).toBe(3);
    expect(body.duplicates).toBe(0);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13]);
    const reason = (i: number) => body.rejected.find((r) => r.index === i)!.reason;
    expect(reason(1)).toMatch(/unknown experiment "nope"/);
    expect(reason(2)).toMatch(/unknown variant "nope"/);
    expect(reason(3)).toMatch(/unknown experiment "draft-exp"/);
    expect(reason(4)).toMatch(/24 h in the future/);
    expect(reason(5)).toMatch(/^unitId: .*256/);
    expect(reason(6)).toMatch(/^id: /);
    expect(reason(7)).toMatch(/^name: /);
    expect(reason(8)).toMatch(/^type: /);
    expect(reason(9)).toMatch(/properties\.note: string longer than 256/);
    expect(reason(10)).toMatch(/^timestamp: /);
    expect(reason(13)).toMatch(/^value: /);
    expect(await counts()).toEqual({ events: 2, exposures: 1 });
  });

  it("rejects poison events (NUL, lone surrogates, timestamps PostgreSQL refuses, huge values) one by one", async () => {
    // Each of these passed validation before and failed the whole group commit with a 503.
    const raw = (event: Record<string, unknown>, from: string, to: string) =>
      JSON.stringify(event).replace(from, to);
    const poisoned: { raw: string; reason: RegExp }[] = [
      { raw: raw(track({ name: "buyXnow" }), "X", "\\u0000"), reason: /^name: must not contain a NUL/ },
      { raw: raw(track({ unitId: "uX" }), "X", "\\u0000"), reason: /^unitId: must not contain a NUL/ },
      {
        raw: raw(track({ properties: { note: "Caf\u00e9 X" } }), "X", "\\ud83d"),
        reason: /^properties: properties\.note: string must be well-formed Unicode/,
      },
      {
        raw: raw(exposure({ attributes: { X: 1 } }), "X", "\\udc00"),
        reason: /^attributes: attributes: key must be well-formed Unicode/,
      },
      {
        raw: raw(exposure({ variant: "X" }), "X", "\\ud800"),
        reason: /^variant: must be well-formed Unicode/,
      },
      {
        raw: JSON.stringify(track({ timestamp: "0000-06-01T00:00:00Z" })),
        reason: /^timestamp: before 2000-01-01/,
      },
      {
        raw: JSON.stringify(track({ timestamp: "1999-12-31T23:59:59Z" })),
        reason: /^timestamp: before 2000-01-01/,
      },
      {
        raw: JSON.stringify(track({ timestamp: "2026-01-01T00:00:00+16:00" })),
        reason: /^timestamp: UTC offset \+16:00 is outside/,
      },
      {
        raw: JSON.stringify(track({ value: 1e200 })),
        reason: /^value: must be between -1000000000000000 and/,
      },
      { raw: JSON.stringify(track({ value: -1e16 })), reason: /^value: must be between/ },
    ];
    const clean = [track({ value: 1e15 }), exposure(), track({ timestamp: "2000-01-01T00:00:00Z" })];
    const body = `{"events":[${[...poisoned.map((p) => p.raw), ...clean.map((e) => JSON.stringify(e))].join(",")}]}`;
    const res = await post(null, { raw: body });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as IngestResponse;
    expect(answer.accepted).toBe(3);
    expect(answer.rejected.map((r) => r.index)).toEqual(poisoned.map((_, i) => i));
    for (const [i, p] of poisoned.entries()) expect(answer.rejected[i]!.reason).toMatch(p.reason);
    expect(await counts()).toEqual({ events: 2, exposures: 1 });
  });

  it("answers 400 for a malformed envelope, not JSON or over 1000 events, and stores nothing", async () => {
    const cases: [string, string][] = [
      ["{not json", "not valid JSON"],
      ["", "body must be JSON"],
      ["[]", "events"],
      ['{"events": {}}', "events"],
      ['{"evnts": []}', "events"],
      [JSON.stringify({ events: Array.from({ length: 1001 }, () => track()) }), "at most 1000 events"],
    ];
    for (const [raw, message] of cases) {
      const res = await post(null, { raw });
      expect(res.status, raw.slice(0, 40)).toBe(400);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain(message);
    }
    expect(await counts()).toEqual({ events: 0, exposures: 0 });
  });

  it("answers 413 over 1 MB and 401 for a missing or unknown key, storing nothing", async () => {
    const big = { events: [track({ properties: { a: "z".repeat(200) } })], pad: "p".repeat(1024 * 1024) };
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/1 MB/);
    expect((await post({ events: [track()] }, { key: null })).status).toBe(401);
    expect((await post({ events: [track()] }, { key: "sdk_wrong" })).status).toBe(401);
    expect(await counts()).toEqual({ events: 0, exposures: 0 });
  });

  it("accepts navigator.sendBeacon: text/plain body and the key in ?key=", async () => {
    const res = await fetch(`${h.baseUrl}/api/v1/events?key=${encodeURIComponent(h.sdkKey)}`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({ events: [track(), exposure()] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const bad = await fetch(`${h.baseUrl}/api/v1/events?key=nope`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ events: [track()] }),
    });
    expect(bad.status).toBe(401);
    expect(await counts()).toEqual({ events: 1, exposures: 1 });
  });

  it("refuses an admin token, as ?key= or in the header: SDK endpoints take SDK keys only", async () => {
    const body = JSON.stringify({ events: [track()] });
    const inQuery = await fetch(`${h.baseUrl}/api/v1/events?key=${encodeURIComponent(h.adminToken)}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body,
    });
    expect(inQuery.status).toBe(403);
    expect(((await inQuery.json()) as { error: { message: string } }).error.message).toMatch(/SDK key/);
    expect((await post(null, { raw: body, key: h.adminToken })).status).toBe(403);
    expect(await counts()).toEqual({ events: 0, exposures: 0 });
  });

  it("answers CORS preflight so browsers can post with Authorization", async () => {
    const res = await fetch(`${h.baseUrl}/api/v1/events`, {
      method: "OPTIONS",
      headers: {
        origin: "https://shop.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");
    const unauthorized = await post({ events: [] }, { key: null });
    expect(unauthorized.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("acknowledges concurrent requests and stores every row exactly once", async () => {
    const shared = Array.from({ length: 50 }, () => track());
    const batches = Array.from({ length: 30 }, (_, i) => [
      ...Array.from({ length: 80 }, () => track({ unitId: `u${i}` })),
      ...Array.from({ length: 20 }, () => exposure({ unitId: `u${i}` })),
      ...shared, // the same 50 ids in every request
    ]);
    const answers = await Promise.all(
      batches.map(async (events) => {
        const res = await post({ events });
        expect(res.status).toBe(200);
        return (await res.json()) as IngestResponse;
      }),
    );
    const accepted = answers.reduce((s, a) => s + a.accepted, 0);
    const duplicates = answers.reduce((s, a) => s + a.duplicates, 0);
    expect(accepted).toBe(30 * 100 + 50);
    expect(duplicates).toBe(29 * 50);
    expect(await counts()).toEqual({ events: 30 * 80 + 50, exposures: 30 * 20 });
    const distinct = await h.db.execute(sql`select count(distinct id)::int as n from events`);
    expect(Number(distinct.rows[0]!.n)).toBe(30 * 80 + 50);
  });

  it("writer.drain() resolves only after every queued batch is committed", async () => {
    const writer = new GroupCommitWriter({
      insert: (rows) => insertIngestRows(h.db, rows),
      concurrency: 2,
      maxRowsPerTransaction: 100,
    });
    const row = () => ({
      id: randomUUID(),
      name: "n",
      unitId: "u",
      ts: now(),
      value: null,
      properties: null,
      environment: "production",
    });
    const writes = Array.from({ length: 8 }, () =>
      writer.write({ exposures: [], tracks: Array.from({ length: 60 }, row) }),
    );
    expect(writer.pending).toBeGreaterThan(0);
    await writer.drain();
    expect(writer.pending).toBe(0);
    expect((await counts()).events).toBe(480);
    expect((await Promise.all(writes)).map((w) => w.accepted)).toEqual(Array(8).fill(60));
  });
});

describe("DELETE /api/v1/units/:unitId", () => {
  it("erases every exposure and event of one unit and nothing else", async () => {
    await post({
      events: [track({ unitId: "gone" }), track({ unitId: "gone" }), exposure({ unitId: "gone" })],
    });
    await post({ events: [track({ unitId: "kept" }), exposure({ unitId: "kept" })] });
    const del = (key: string | null) =>
      fetch(`${h.baseUrl}/api/v1/units/gone`, {
        method: "DELETE",
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    expect((await del(null)).status).toBe(401);
    expect((await del(h.sdkKey)).status).toBe(403);
    const res = await del(h.adminToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unitId: "gone", exposures: 1, events: 2 });
    expect(await counts()).toEqual({ events: 1, exposures: 1 });
    const audit = await fetch(`${h.baseUrl}/api/v1/audit`, {
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(JSON.stringify(await audit.json())).toContain("unit.erase");
    const again = await del(h.adminToken);
    expect(await again.json()).toEqual({ unitId: "gone", exposures: 0, events: 0 });
  });
});

describe("DELETE /api/v1/units/:unitId input", () => {
  it("a unit id with a NUL, invalid UTF-8 (a surrogate) or over 256 characters is a 400, not a 500", async () => {
    for (const bad of ["%00", "u%ED%A0%80", "x".repeat(257)]) {
      const res = await fetch(`${h.baseUrl}/api/v1/units/${bad}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${h.adminToken}` },
      });
      expect(res.status, bad).toBe(400);
    }
    const lone = await fetch(`${h.baseUrl}/api/v1/units/${encodeURIComponent("Caf\u00e9 ")}%ED%A0%BD`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    expect(lone.status).toBe(400);
    const nul = await fetch(`${h.baseUrl}/api/v1/units/a%00b`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${h.adminToken}` },
    });
    const body = (await nul.json()) as { error: { details: { issues: { path: string }[] } } };
    expect(body.error.details.issues[0]!.path).toBe("params.unitId");
  });
});

describe("retention", () => {
  it("purgeExpired deletes rows older than N days only", async () => {
    const old = new Date(Date.now() - 40 * 86400 * 1000).toISOString();
    const recent = new Date(Date.now() - 20 * 86400 * 1000).toISOString();
    await post({
      events: [
        track({ timestamp: old }),
        track({ timestamp: old }),
        exposure({ timestamp: old }),
        track({ timestamp: recent }),
        exposure({ timestamp: recent }),
      ],
    });
    expect(await purgeExpired({ db: h.db }, { days: 30 })).toEqual({ exposures: 1, events: 2 });
    expect(await counts()).toEqual({ events: 1, exposures: 1 });
    await expect(purgeExpired({ db: h.db }, { days: 0 })).rejects.toThrow(RangeError);
  });

  it("startRetentionJob purges on start and stops cleanly", async () => {
    const old = new Date(Date.now() - 10 * 86400 * 1000).toISOString();
    await post({ events: [track({ timestamp: old }), track()] });
    const results: { events: number }[] = [];
    const job = startRetentionJob({
      db: h.db,
      days: 7,
      intervalMs: 60_000,
      onResult: (r) => results.push(r),
    });
    await job.stop();
    expect(results).toEqual([{ exposures: 0, events: 1 }]);
    expect(await counts()).toEqual({ events: 1, exposures: 0 });
  });
});
