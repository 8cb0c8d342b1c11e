/**
 * One event the database refuses must not block anyone: the failed group commit is split so
 * clean requests (and the clean rows of the poisoned request) commit, the refused row is
 * rejected with a reason, nothing is answered 503 unless the database is really unreachable,
 * and logs never carry event data or SQL parameters.
 *
 * The poison here is a CHECK constraint added by the test: it passes every validation, like
 * the NUL characters and out-of-range timestamps that used to get through.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@splitlab/sdk";
import type { IngestResponse } from "@splitlab/sdk/types";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { createTestDb } from "../../../test/test-db.js";
import { experiments } from "../experiments/experiments.table.js";
import { insertIngestRows, loadExposableExperiments } from "./events.repo.js";
import { ingestEvents } from "./events.service.js";
import { GroupCommitWriter, rowKey, type TrackInsert } from "./events.writer.js";
import { ExperimentCatalog } from "./experiment-catalog.js";

let t: TestApp;
let sdkKey: string;
const logLines: string[] = [];
type StoreError = unknown;
const StoreError = Error;

beforeAll(async () => {
  const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(line) });
  t = await startTestApp({ logger });
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "poison", environment: "t" },
  });
  sdkKey = key.body.token;
  await t.db.insert(experiments).values({
    key: "checkout",
    name: "checkout",
    seed: "checkout",
    status: "running",
    variants: [
      { key: "control", name: "Control", weight: 0.5 },
      { key: "treatment", name: "Treatment", weight: 0.5 },
    ],
    analysis: { alpha: 0.05, sequential: false, correction: "none" },
  });
  await t.db.execute(sql`alter table events add constraint events_test_poison check (name <> 'poison')`);
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.execute(sql`delete from events`);
  await t.db.execute(sql`delete from exposures`);
  logLines.length = 0;
});

const track = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "track",
  name: "purchase",
  unitId: "u1",
  timestamp: new Date().toISOString(),
  ...over,
});
const exposure = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: "exposure",
  experiment: "checkout",
  variant: "control",
  unitId: "u1",
  timestamp: new Date().toISOString(),
  ...over,
});

async function post(events: unknown[]): Promise<{ status: number; body: IngestResponse }> {
  const res = await fetch(`${t.url}/api/v1/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${sdkKey}`, "content-type": "application/json" },
    body: JSON.stringify({ events }),
  });
  return { status: res.status, body: (await res.json()) as IngestResponse };
}

async function storedIds(): Promise<Set<string>> {
  const r = await t.db.execute(
    sql`select id::text as id from events union all select id::text from exposures`,
  );
  return new Set(r.rows.map((row) => row.id as string));
}

const sdkActor = { kind: "sdk" as const, environment: "production" };

describe("a row the database refuses", () => {
  it("is rejected alone: the rest of its request is stored and the answer is 200", async () => {
    const events = [track(), exposure(), track({ name: "poison" }), track()];
    const res = await post(events);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.rejected).toEqual([
      { index: 2, reason: "the database refused a value of this event (SQLSTATE 23514)" },
    ]);
    const ids = await storedIds();
    expect([0, 1, 3].every((i) => ids.has(events[i]!.id))).toBe(true);
    expect(ids.has(events[2]!.id)).toBe(false);
    expect(ids.size).toBe(3);
  });

  it("does not fail clean requests committed in the same group (many clients, two poisoned)", async () => {
    const clean = Array.from({ length: 24 }, (_, i) =>
      Array.from({ length: 40 }, () =>
        i % 4 === 0 ? exposure({ unitId: `c${i}` }) : track({ unitId: `c${i}` }),
      ),
    );
    const poisoned = [0, 1].map((p) => [track({ unitId: `p${p}` }), track({ name: "poison" }), track()]);
    const answers = await Promise.all([...clean, ...poisoned].map((events) => post(events)));
    expect(answers.map((a) => a.status)).toEqual(Array(26).fill(200));
    for (const a of answers.slice(0, 24))
      expect(a.body).toEqual({ accepted: 40, duplicates: 0, rejected: [] });
    for (const a of answers.slice(24)) {
      expect(a.body.accepted).toBe(2);
      expect(a.body.rejected.map((r) => r.index)).toEqual([1]);
    }
    const ids = await storedIds();
    expect(ids.size).toBe(24 * 40 + 2 * 2);
    for (const events of clean) for (const e of events) expect(ids.has(e.id)).toBe(true);
  });

  it("is logged by SQLSTATE and counts only: no unit ids, properties or SQL parameters", async () => {
    const secret = `unit-${randomUUID()}`;
    const res = await post([
      track({ unitId: secret, properties: { email: "someone@example.com" } }),
      track({ unitId: secret, name: "poison", properties: { email: "someone@example.com" } }),
    ]);
    expect(res.status).toBe(200);
    const log = logLines.join("\n");
    expect(log).toContain("23514");
    expect(log).not.toContain(secret);
    expect(log).not.toContain("someone@example.com");
    expect(log).not.toMatch(/params|insert into/i);
    // One line per failed transaction of the split (2 rows: the pair, then the poisoned one), not per request.
    expect(logLines.filter((l) => l.includes("could not be stored"))).toHaveLength(2);
  });
});

describe("the SDK behind a poisoned event", () => {
  it("delivers everything queued behind it (was: the head batch retried forever, 301 of 301 lost)", async () => {
    const errors: string[] = [];
    const client = createClient({
      apiHost: t.url,
      sdkKey,
      refreshInterval: 0,
      storage: null,
      retryBaseMs: 50,
      retryMaxMs: 200,
      closeTimeoutMs: 5000,
      onError: (error) => errors.push(String(error)),
    });
    await client.ready();
    const cut = "Café 😀".slice(0, 6); // "Café " + a lone high surrogate
    client.track("purchase", { properties: { note: cut } }, { id: "browser-0" });
    for (let i = 1; i <= 300; i++) client.track("purchase", { value: i }, { id: `browser-${i}` });
    await client.close();
    const stored = await t.db.execute(
      sql`select count(*)::int as n from events where unit_id like 'browser-%'`,
    );
    expect(Number(stored.rows[0]!.n)).toBe(300);
    expect(client.stats()).toMatchObject({ queued: 0, sent: 300, rejected: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/well-formed Unicode/);
  });
});

describe("a database that cannot be reached", () => {
  it("fails the write as an outage (503), never as the data's fault", async () => {
    const gone = await createTestDb();
    await gone.cleanup(); // closed: every query now fails without a SQLSTATE
    const errors: StoreError[] = [];
    const writer = new GroupCommitWriter({
      insert: (rows) => insertIngestRows(gone.db, rows),
      concurrency: 1,
      onError: (e: StoreError) => errors.push(e),
    });
    const row: TrackInsert = {
      id: randomUUID(),
      name: "n",
      unitId: "u",
      ts: new Date().toISOString(),
      value: null,
      properties: null,
      environment: "production",
    };
    const write = writer.write({ exposures: [], tracks: [row, { ...row, id: randomUUID() }] });
    await expect(write).rejects.toBeInstanceOf(StoreError);
    await expect(write).rejects.toMatchObject({ kind: "outage" });
    expect(errors).toHaveLength(1); // not split: splitting cannot help an outage

    const catalog = new ExperimentCatalog({ load: async () => new Map() });
    const answer = ingestEvents({ writer, catalog }, { events: [track()] }, { actor: sdkActor });
    await expect(answer).rejects.toMatchObject({ status: 503, code: "unavailable" });
    // Exposures need the experiment catalog, read from the same unreachable database.
    const goneCatalog = new ExperimentCatalog({ load: () => loadExposableExperiments(gone.db) });
    const exposures = ingestEvents(
      { writer, catalog: goneCatalog },
      { events: [exposure()] },
      { actor: sdkActor },
    );
    await expect(exposures).rejects.toMatchObject({ status: 503, code: "unavailable" });
  });
});

describe("deadlock and serialization failures are retried", () => {
  const row = (id: string, name: string): TrackInsert => ({
    id,
    name,
    unitId: "u",
    ts: new Date().toISOString(),
    value: null,
    properties: null,
    environment: "production",
  });

  it("reads the SQLSTATE drizzle wraps in `cause` (a 40P01 raised once, then the retry commits)", async () => {
    await t.db.execute(sql`create sequence test_deadlock_once`);
    await t.db.execute(sql`
      create function test_deadlock_once() returns trigger language plpgsql as $$
      begin
        if new.name = 'raise-once' and nextval('test_deadlock_once') = 1 then
          raise exception 'simulated deadlock' using errcode = '40P01';
        end if;
        return new;
      end $$`);
    await t.db.execute(sql`create trigger test_deadlock_once before insert on events
      for each row execute function test_deadlock_once()`);
    try {
      const id = randomUUID();
      const inserted = await insertIngestRows(t.db, { exposures: [], tracks: [row(id, "raise-once")] });
      expect(inserted.eventKeys).toEqual([rowKey("u", id)]);
    } finally {
      await t.db.execute(sql`drop trigger test_deadlock_once on events`);
      await t.db.execute(sql`drop function test_deadlock_once()`);
      await t.db.execute(sql`drop sequence test_deadlock_once`);
    }
  });

  it("two groups inserting the same ids in opposite order both commit, each row once", async () => {
    // Each group inserts its first id, then sleeps 0.3 s before its second row (holding the
    // first): on PostgreSQL the second rows then wait on each other, a real deadlock that
    // PostgreSQL breaks by aborting one transaction (40P01). PGlite runs them one after the other.
    await t.db.execute(sql`
      create function test_slow_row() returns trigger language plpgsql as $$
      begin
        if new.name = 'slow' then perform pg_sleep(0.3); end if;
        return new;
      end $$`);
    await t.db.execute(sql`create trigger test_slow_row before insert on events
      for each row execute function test_slow_row()`);
    try {
      const a = randomUUID();
      const b = randomUUID();
      const results = await Promise.all([
        insertIngestRows(t.db, { exposures: [], tracks: [row(a, "fast"), row(b, "slow")] }),
        insertIngestRows(t.db, { exposures: [], tracks: [row(b, "fast"), row(a, "slow")] }),
      ]);
      expect(results.flatMap((r) => r.eventKeys).sort()).toEqual([rowKey("u", a), rowKey("u", b)].sort());
      const stored = await t.db.execute(sql`select count(*)::int as n from events`);
      expect(Number(stored.rows[0]!.n)).toBe(2);
    } finally {
      await t.db.execute(sql`drop trigger test_slow_row on events`);
      await t.db.execute(sql`drop function test_slow_row()`);
    }
  });
});
