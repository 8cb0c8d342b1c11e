/**
 * The attack suite's fuzzer (issue 10): random and adversarial bodies at every endpoint of a
 * running app, over HTTP. Used by `fuzz.test.ts` (fixed seed, >= 5,000 cases in `npm test`) and
 * by `bench/fuzz.bench.ts` (more cases, figures printed).
 *
 * Invariants checked on every case: never a 5xx; no stack trace or SQL in any body; a clean
 * batch sent at the same time as the fuzzed one is fully accepted; the rows added equal the
 * events acknowledged (no row from a rejected event, none lost); a refused management call
 * changes no experiment.
 *
 * Bodies are built as a small tree and serialized by hand, so `__proto__` keys, lone
 * surrogates, NUL characters and `1e999` (Infinity after JSON.parse) reach the server exactly.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import type { Db } from "../src/db.js";
import { experiments } from "../src/features/experiments/experiments.table.js";
import { TEST_ADMIN_TOKEN, type TestApp } from "./test-app.js";

/** A JSON text in the making: `raw` is emitted as-is (e.g. `1e999`, `-0`). */
export type Node =
  | null
  | boolean
  | number
  | string
  | { raw: string }
  | { obj: [string, Node][] }
  | { arr: Node[] };

/** Serializes a {@link Node}; JSON.stringify escapes lone surrogates and NUL as `\uXXXX`. */
export function toJson(node: Node): string {
  if (node === null || typeof node !== "object") return JSON.stringify(node) ?? "null";
  if ("raw" in node) return node.raw;
  if ("arr" in node) return `[${node.arr.map(toJson).join(",")}]`;
  return `{${node.obj.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
}

/** Strings an attacker or a buggy client sends. */
const NASTY_STRINGS = [
  "",
  "\u0000",
  "buy\u0000now",
  "\ud83d",
  "\udc00",
  "Caf\u00e9 \ud83d",
  "😀".slice(0, 1),
  "'; drop table events; --",
  "' or '1'='1",
  '"); delete from experiments; --',
  "$1::text",
  "\\",
  "%00",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "null",
  "x".repeat(257),
  "é".repeat(300),
  "0000-06-01T00:00:00Z",
  "2026-01-01T00:00:00+16:00",
  "1999-12-31T23:59:59Z",
  "2026-02-30T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "2000-01-01T00:00:00Z",
  "NaN",
  "00000000-0000-0000-0000-000000000000",
  "checkout",
  "control",
];

const nastyNumbers: Node[] = [
  0,
  -1,
  1e15,
  1e16,
  -1e200,
  1e308,
  Number.MAX_SAFE_INTEGER,
  5e-324,
  0.1,
  { raw: "1e999" },
  { raw: "-1e999" },
  { raw: "-0" },
  { raw: "1E400" },
];

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.constantFrom("\u0000", "\ud800", "\udfff", "\ud83d"),
        fc.string({ maxLength: 8 }),
      )
      .map(([a, b, c]) => a + b + c),
  },
);
const key = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 10 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "$regex", "$in", "\u0000", "\ud83d"),
  },
  { weight: 1, arbitrary: anyString },
);

/** Any JSON value with adversarial strings, keys and numbers. */
export const anyJson: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(...nastyNumbers),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    anyString,
    fc.array(tie("node"), { maxLength: 4 }).map((arr) => ({ arr })),
    fc.array(fc.tuple(key, tie("node")), { maxLength: 4 }).map((obj) => ({ obj })),
  ),
})).node;

/** Nesting far deeper than any limit: arrays or objects, 9 to 3,000 levels. */
const deepJson: fc.Arbitrary<Node> = fc
  .tuple(fc.integer({ min: 9, max: 3000 }), fc.boolean())
  .map(([depth, arrays]) => ({
    raw: arrays
      ? `${"[".repeat(depth)}${"]".repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
  }));

/** A value for one field: valid most of the time, else anything. */
function field(valid: fc.Arbitrary<Node>): fc.Arbitrary<Node | undefined> {
  return fc.oneof(
    { weight: 16, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: anyJson },
    { weight: 1, arbitrary: anyString },
  );
}

function object(fields: Record<string, fc.Arbitrary<Node | undefined>>): fc.Arbitrary<Node> {
  const names = Object.keys(fields);
  return fc
    .tuple(fc.tuple(...names.map((n) => fields[n]!)), fc.array(fc.tuple(key, anyJson), { maxLength: 2 }))
    .map(([values, extra]) => {
      const obj: [string, Node][] = [];
      values.forEach((v, i) => {
        if (v !== undefined) obj.push([names[i]!, v]);
      });
      return { obj: [...obj, ...extra] };
    });
}

const isoNow = fc
  .integer({ min: -30 * 86400, max: 23 * 3600 })
  .map((s) => new Date(Date.now() + s * 1000).toISOString());
const timestamp = fc.oneof(
  { weight: 5, arbitrary: isoNow },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS.filter((s) => /^\W?\d/.test(s))) },
);
const props = fc.oneof(
  fc.constant(undefined),
  fc.array(fc.tuple(key, anyJson), { maxLength: 4 }).map((obj): Node => ({ obj })),
  deepJson,
);

/** One event: each field valid (often) or adversarial. */
export const fuzzEvent: fc.Arbitrary<Node> = fc.oneof(
  object({
    id: field(fc.uuid({ version: 4 })),
    type: field(fc.constant("exposure")),
    experiment: field(fc.constantFrom("checkout", "draft-exp", "unknown")),
    variant: field(fc.constantFrom("control", "treatment", "nope")),
    unitId: field(fc.string({ minLength: 1, maxLength: 12 })),
    timestamp: field(timestamp),
    attributes: props.map((p) => p as Node | undefined),
  }),
  object({
    id: field(fc.uuid({ version: 4 })),
    type: field(fc.constant("track")),
    name: field(fc.constantFrom("purchase", "signup")),
    unitId: field(fc.string({ minLength: 1, maxLength: 12 })),
    timestamp: field(timestamp),
    value: fc.oneof(
      fc.constant(undefined),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(...nastyNumbers),
    ),
    properties: props.map((p) => p as Node | undefined),
  }),
  anyJson,
);

/** A whole `POST /api/v1/events` body: a batch (with repeated ids), or anything at all. */
export const fuzzEventsBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.array(fuzzEvent, { maxLength: 12 }), fc.nat({ max: 3 }))
      .map(([events, repeats]) =>
        toJson({ obj: [["events", { arr: [...events, ...events.slice(0, repeats)] }]] }),
      ),
  },
  { weight: 1, arbitrary: anyJson.map(toJson) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      deepJson.map(toJson),
      anyString,
      fc.constantFrom("NaN", '{"events":[', '{"events":NaN}', ""),
    ),
  },
);

const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);

/** A management body: a nearly valid experiment, metric, layer or key, or anything at all. */
export const fuzzExperimentBody: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: object({
      key: field(slug),
      name: field(fc.string({ minLength: 1, maxLength: 20 })),
      hypothesis: field(fc.string({ maxLength: 20 })),
      variants: field(fc.constant({ arr: [{ obj: [["key", "a"]] }, { obj: [["key", "b"]] }] } as Node)),
      coverage: field(fc.double({ min: 0, max: 1, noNaN: true })),
      condition: field(
        fc.constantFrom<Node>(
          { obj: [["country", "DE"]] },
          { obj: [["__proto__", { obj: [["country", "US"]] }]] },
          { obj: [["email", { obj: [["$regex", "^(\\w+\\s?)*$"]] }]] },
        ),
      ),
      forced: field(fc.constantFrom<Node>({ obj: [["u1", "a"]] }, { obj: [["__proto__", "a"]] })),
    }).map(toJson),
  },
  { weight: 1, arbitrary: anyJson.map(toJson) },
  { weight: 1, arbitrary: deepJson.map(toJson) },
);

const metricBody = object({
  key: field(slug),
  name: field(fc.string({ minLength: 1, maxLength: 20 })),
  eventName: field(fc.constantFrom("purchase", "signup")),
  type: field(fc.constantFrom("binomial", "count", "mean", "revenue")),
}).map(toJson);
const layerBody = object({
  key: field(slug),
  name: field(fc.string({ minLength: 1, maxLength: 20 })),
  description: field(fc.string({ maxLength: 20 })),
}).map(toJson);
const keyBody = object({
  kind: field(fc.constantFrom("sdk", "admin")),
  name: field(fc.string({ minLength: 1, maxLength: 20 })),
  environment: field(fc.constantFrom("prod", "test")),
}).map(toJson);

/**
 * A path segment or query value, percent-encoded: slugs, adversarial strings (lone surrogates
 * replaced, encodeURIComponent refuses them) and raw escapes that decode to NUL or to invalid
 * UTF-8.
 */
const segment = fc.oneof(
  slug,
  anyString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/gu, "\uFFFD"))),
  fc.constantFrom("%00", "%ED%A0%80", "%FF", "%", "%E0%A4%A", "..%2F..%2Fetc"),
);

/** One management request: method, path and body. */
export const fuzzManagementRequest: fc.Arbitrary<{ method: string; path: string; body?: string }> = fc.oneof(
  fuzzExperimentBody.map((body) => ({ method: "POST", path: "/api/v1/experiments", body })),
  fuzzExperimentBody.map((body) => ({ method: "PATCH", path: "/api/v1/experiments/checkout", body })),
  fuzzExperimentBody.map((body) => ({ method: "POST", path: "/api/v1/experiments/draft-exp/stop", body })),
  fc
    .tuple(segment, anyJson)
    .map(([s, b]) => ({ method: "PATCH", path: `/api/v1/experiments/${s}`, body: toJson(b) })),
  fc
    .tuple(fc.constantFrom("start", "stop", "archive"), segment)
    .map(([a, s]) => ({ method: "POST", path: `/api/v1/experiments/${s}/${a}` })),
  metricBody.map((body) => ({ method: "POST", path: "/api/v1/metrics", body })),
  metricBody.map((body) => ({ method: "PATCH", path: "/api/v1/metrics/revenue", body })),
  layerBody.map((body) => ({ method: "POST", path: "/api/v1/layers", body })),
  layerBody.map((body) => ({ method: "PATCH", path: "/api/v1/layers/main", body })),
  keyBody.map((body) => ({ method: "POST", path: "/api/v1/keys", body })),
  segment.map((s) => ({ method: "POST", path: `/api/v1/keys/${s}/revoke` })),
  segment.map((s) => ({ method: "GET", path: `/api/v1/experiments?status=${s}` })),
  fc.tuple(segment, segment).map(([a, b]) => ({ method: "GET", path: `/api/v1/audit?${a}=${b}` })),
  fc.tuple(fc.constantFrom("dimension", "refresh", "effect", "x"), segment).map(([q, s]) => ({
    method: "GET",
    path: `/api/v1/experiments/checkout/results?${q}=${s}`,
  })),
  segment.map((s) => ({ method: "GET", path: `/api/v1/experiments/${s}` })),
  segment.map((s) => ({ method: "GET", path: `/api/v1/metrics/${s}` })),
  segment.map((s) => ({ method: "DELETE", path: `/api/v1/units/fuzz-${s}` })),
);

/** Stack frames, drizzle's "Failed query ... params:" and driver internals never reach a client. */
const LEAK = /\n\s+at |Failed query|params:|\bat [\w.<>]+ \(|node_modules|DrizzleQueryError/;

/**
 * Prepares a fresh test app for the fuzzer: an SDK key, the running experiment "checkout"
 * and the draft "draft-exp" (variants control/treatment), metric "revenue", layer "main".
 */
export async function prepareFuzzTarget(t: TestApp): Promise<FuzzTarget> {
  const key = await t.request("POST", "/api/v1/keys", {
    body: { kind: "sdk", name: "fuzz", environment: "t" },
  });
  const variants = [
    { key: "control", name: "Control", weight: 0.5 },
    { key: "treatment", name: "Treatment", weight: 0.5 },
  ];
  const analysis = { alpha: 0.05, sequential: false, correction: "none" } as const;
  await t.db.insert(experiments).values([
    { key: "checkout", name: "checkout", seed: "checkout", status: "running", variants, analysis },
    { key: "draft-exp", name: "draft", seed: "draft-exp", status: "draft", variants, analysis },
  ]);
  const metric = await t.request("POST", "/api/v1/metrics", {
    body: { key: "revenue", name: "Revenue", eventName: "purchase", type: "mean" },
  });
  const layer = await t.request("POST", "/api/v1/layers", { body: { key: "main", name: "Main" } });
  if (key.status !== 201 || metric.status !== 201 || layer.status !== 201) {
    throw new Error(`fuzz setup failed: ${key.status} ${metric.status} ${layer.status}`);
  }
  return { url: t.url, db: t.db, sdkKey: key.body.token, adminToken: TEST_ADMIN_TOKEN };
}

export interface FuzzTarget {
  url: string;
  db: Db;
  sdkKey: string;
  adminToken: string;
}

/** Outcome figures of a fuzz run. */
export interface FuzzStats {
  cases: number;
  byStatus: Record<string, number>;
  accepted: number;
  rejected: number;
}

async function rows(db: Db): Promise<number> {
  const r = await db.execute(
    sql`select ((select count(*) from events) + (select count(*) from exposures))::int as n`,
  );
  return Number(r.rows[0]!.n);
}

function cleanBatch(): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    events: [
      { id: randomUUID(), type: "track", name: "purchase", unitId: "clean", timestamp: now, value: 1 },
      {
        id: randomUUID(),
        type: "exposure",
        experiment: "checkout",
        variant: "control",
        unitId: "clean",
        timestamp: now,
      },
    ],
  });
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Fuzzes `POST /api/v1/events`: each case sends one adversarial body and, at the same time, one
 * clean batch of 2 events (so they share a group commit). Throws (fast-check's report with the
 * seed and the shrunk body) on the first broken invariant. At the end, the rows added must equal
 * the events acknowledged, and no id that was only ever rejected may be stored.
 */
export async function fuzzIngestion(
  target: FuzzTarget,
  options: { numRuns: number; seed: number },
): Promise<FuzzStats> {
  const stats: FuzzStats = { cases: 0, byStatus: {}, accepted: 0, rejected: 0 };
  const post = (body: string, contentType = "application/json") =>
    fetch(`${target.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${target.sdkKey}`, "content-type": contentType },
      body,
    });
  const rejectedIds = new Set<string>();
  const keptIds = new Set<string>();
  const before = await rows(target.db);
  await fc.assert(
    fc.asyncProperty(
      fuzzEventsBody,
      fc.constantFrom("application/json", "text/plain"),
      async (body, contentType) => {
        const [fuzzed, clean] = await Promise.all([post(body, contentType), post(cleanBatch())]);
        const text = await fuzzed.text();
        stats.cases++;
        stats.byStatus[fuzzed.status] = (stats.byStatus[fuzzed.status] ?? 0) + 1;
        check(fuzzed.status < 500, `status ${fuzzed.status}: ${text.slice(0, 300)}`);
        check(!LEAK.test(text), `leak in body: ${text.slice(0, 300)}`);
        const cleanAnswer = (await clean.json()) as { accepted?: number };
        check(
          clean.status === 200 && cleanAnswer.accepted === 2,
          `clean batch: ${clean.status} ${JSON.stringify(cleanAnswer)}`,
        );
        stats.accepted += 2;
        if (fuzzed.status !== 200) return;
        const answer = JSON.parse(text) as {
          accepted: number;
          duplicates: number;
          rejected: { index: number }[];
        };
        stats.accepted += answer.accepted;
        stats.rejected += answer.rejected.length;
        const sent = (JSON.parse(body) as { events: unknown[] }).events;
        check(
          answer.accepted + answer.duplicates + answer.rejected.length === sent.length,
          `every event is accounted for: ${text.slice(0, 200)}`,
        );
        const refused = new Set(answer.rejected.map((r) => r.index));
        sent.forEach((event, i) => {
          const id = (event as { id?: unknown } | null)?.id;
          if (typeof id !== "string" || !UUID.test(id)) return;
          (refused.has(i) ? rejectedIds : keptIds).add(id.toLowerCase());
        });
      },
    ),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true },
  );
  const added = (await rows(target.db)) - before;
  check(added === stats.accepted, `rows added ${added}, events acknowledged ${stats.accepted}`);
  const onlyRejected = [...rejectedIds].filter((id) => !keptIds.has(id));
  const leaked = await target.db.execute(sql`
    select ((select count(*) from events where id = any(${sql.param(onlyRejected)}::uuid[]))
      + (select count(*) from exposures where id = any(${sql.param(onlyRejected)}::uuid[])))::int as n`);
  check(Number(leaked.rows[0]!.n) === 0, `${leaked.rows[0]!.n} rows stored from rejected events`);
  return stats;
}

/**
 * Fuzzes the management API with the admin token: never a 5xx or a leak, and a refused call
 * leaves the running experiment "checkout" exactly as it was.
 */
export async function fuzzManagement(
  target: FuzzTarget,
  options: { numRuns: number; seed: number },
): Promise<FuzzStats> {
  const stats: FuzzStats = { cases: 0, byStatus: {}, accepted: 0, rejected: 0 };
  const snapshot = async () =>
    JSON.stringify((await target.db.execute(sql`select * from experiments where key = 'checkout'`)).rows);
  let expected = await snapshot();
  await fc.assert(
    fc.asyncProperty(fuzzManagementRequest, async (req) => {
      const headers: Record<string, string> = { authorization: `Bearer ${target.adminToken}` };
      if (req.body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(target.url + req.path, {
        method: req.method,
        headers,
        ...(req.body === undefined ? {} : { body: req.body }),
      });
      const text = await res.text();
      stats.cases++;
      stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
      check(res.status < 500, `${req.method} ${req.path} -> ${res.status}: ${text.slice(0, 300)}`);
      check(!LEAK.test(text), `leak in body: ${text.slice(0, 300)}`);
      const now = await snapshot();
      if (res.status >= 400) check(now === expected, `refused ${req.method} ${req.path} changed "checkout"`);
      else stats.accepted++;
      expected = now;
    }),
    { numRuns: options.numRuns, seed: options.seed, endOnFailure: true },
  );
  return stats;
}
