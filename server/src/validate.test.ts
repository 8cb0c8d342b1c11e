/**
 * Management endpoints refuse text PostgreSQL cannot store faithfully: a NUL character
 * (refused by PostgreSQL: was a 500), a lone surrogate (stored as U+FFFD without a word) and a
 * `__proto__` key (vanished without a word). Each is a 400 naming the field, and nothing changes.
 * Bodies are sent as raw JSON text so the escapes reach the server exactly as written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../test/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const created = await send("POST", "/api/v1/experiments", {
    key: "kept",
    name: "Kept",
    variants: [{ key: "a" }, { key: "b" }],
  });
  expect(created.status).toBe(201);
});
afterAll(() => t.close());

function send(method: string, path: string, body: unknown) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return t.request(method, path, { body: raw, headers: { "content-type": "application/json" } });
}

const variants = '[{"key":"a"},{"key":"b"}]';
const cases: { name: string; method: string; path: string; raw: string; field: string; message: RegExp }[] = [
  {
    name: "NUL in a metric name",
    method: "POST",
    path: "/api/v1/metrics",
    raw: '{"key":"m1","name":"a\\u0000b","eventName":"buy","type":"count"}',
    field: "name",
    message: /NUL/,
  },
  {
    name: "lone surrogate in an experiment name (was stored as U+FFFD)",
    method: "POST",
    path: "/api/v1/experiments",
    raw: `{"key":"e1","name":"Caf\\u00e9 \\ud83d","variants":${variants}}`,
    field: "name",
    message: /well-formed Unicode/,
  },
  {
    name: "NUL inside a variant payload (was a 500)",
    method: "POST",
    path: "/api/v1/experiments",
    raw: '{"key":"e2","name":"E","variants":[{"key":"a","payload":{"x":["ok","\\u0000"]}},{"key":"b"}]}',
    field: "variants.0.payload.x.1",
    message: /NUL/,
  },
  {
    name: "lone low surrogate in a JSON key",
    method: "POST",
    path: "/api/v1/experiments",
    raw: '{"key":"e3","name":"E","variants":[{"key":"a","payload":{"\\udc00":1}},{"key":"b"}]}',
    field: "variants.0.payload.\udc00",
    message: /key must be well-formed/,
  },
  {
    name: "__proto__ in forced overrides (vanished: 201 with forced {})",
    method: "POST",
    path: "/api/v1/experiments",
    raw: `{"key":"e4","name":"E","variants":${variants},"forced":{"__proto__":"a"}}`,
    field: "forced.__proto__",
    message: /__proto__/,
  },
  {
    name: "__proto__ in a payload",
    method: "POST",
    path: "/api/v1/experiments",
    raw: '{"key":"e5","name":"E","variants":[{"key":"a","payload":{"__proto__":{"x":1}}},{"key":"b"}]}',
    field: "variants.0.payload.__proto__",
    message: /__proto__/,
  },
  {
    name: "NUL in a layer description",
    method: "POST",
    path: "/api/v1/layers",
    raw: '{"key":"l1","name":"L","description":"x\\u0000"}',
    field: "description",
    message: /NUL/,
  },
  {
    name: "lone surrogate in a key name",
    method: "POST",
    path: "/api/v1/keys",
    raw: '{"kind":"sdk","name":"\\ud800","environment":"prod"}',
    field: "name",
    message: /well-formed Unicode/,
  },
  {
    name: "NUL in a PATCH of an existing experiment",
    method: "PATCH",
    path: "/api/v1/experiments/kept",
    raw: '{"hypothesis":"more \\u0000 sales"}',
    field: "hypothesis",
    message: /NUL/,
  },
  {
    name: "__proto__ in a PATCH of forced overrides",
    method: "PATCH",
    path: "/api/v1/experiments/kept",
    raw: '{"forced":{"__proto__":"a"}}',
    field: "forced.__proto__",
    message: /__proto__/,
  },
];

describe("management bodies with unstorable text", () => {
  it.each(cases)("$name: 400 naming the field, nothing stored", async (c) => {
    const before = await send("GET", "/api/v1/experiments/kept", undefined as never);
    const res = await send(c.method, c.path, c.raw);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details.issues[0].path).toBe(c.field);
    expect(res.body.error.message).toMatch(c.message);
    const after = await send("GET", "/api/v1/experiments/kept", undefined as never);
    expect(after.body).toEqual(before.body);
    const lists = await Promise.all(
      ["/api/v1/experiments", "/api/v1/metrics", "/api/v1/layers", "/api/v1/keys"].map((p) =>
        t.request("GET", p),
      ),
    );
    expect(lists.map((l) => (Object.values(l.body)[0] as unknown[]).length)).toEqual([1, 0, 0, 0]);
  });

  it("query strings are checked too", async () => {
    const res = await t.request("GET", "/api/v1/experiments?status=%00");
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toBe("query.status");
  });

  it("a path parameter that is not percent-encoded UTF-8 is a 400, not a 500", async () => {
    const res = await send("PATCH", "/api/v1/experiments/%ED%A0%80", "{}");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/percent-encoded UTF-8/);
  });

  it("input nested deeper than 64 levels is a 400, not a stack overflow", async () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const res = await send("POST", "/api/v1/experiments", `{"key":"e6","name":"E","variants":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/deeper than 64/);
  });
});
