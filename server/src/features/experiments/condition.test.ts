/**
 * The server validates targeting conditions with the SDK's own grammar: every vector of
 * sdk/test/condition-vectors.json (the file the SDK's tests run too) is posted over HTTP to
 * the real server. Valid conditions are answered 201 and stored exactly as sent; invalid ones
 * 400 naming each issue's path, with nothing stored. On top, `$regex` patterns go through the
 * recheck ReDoS checker.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../../test/test-app.js";
import { experiments } from "./experiments.table.js";

interface Vector {
  name: string;
  condition: unknown;
  issues: { path: (string | number)[]; code: string }[];
  serverRejects?: { path: (string | number)[]; message: string };
}

// JSON.parse keeps "__proto__" keys as own properties, so JSON.stringify sends them as-is.
const { vectors } = JSON.parse(
  readFileSync(new URL("../../../../sdk/test/condition-vectors.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const variants = [
  { key: "control", weight: 0.5 },
  { key: "treatment", weight: 0.5 },
];

async function count(): Promise<number> {
  return (await t.db.select().from(experiments)).length;
}

/** Posts the raw JSON text (so nothing is lost or added on the way). */
function post(key: string, condition: unknown) {
  return t.request("POST", "/api/v1/experiments", {
    body: JSON.stringify({ key, name: key, variants, condition }),
    headers: { "content-type": "application/json" },
  });
}

describe("conditions are validated with the SDK's grammar (shared vectors)", () => {
  it.each(vectors.map((v, i) => [v.name, v, i] as const))("%s", async (_name, v, i) => {
    const before = await count();
    const res = await post(`grammar-${i}`, v.condition);
    const refusals = [
      ...v.issues.map((issue) => issue.path),
      ...(v.serverRejects ? [v.serverRejects.path] : []),
    ];
    if (refusals.length === 0) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.condition).toEqual(v.condition); // (jsonb keeps keys in its own order)
      expect(await count()).toBe(before + 1);
      return;
    }
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    for (const path of refusals) expect(res.body.error.message).toContain(["condition", ...path].join("."));
    if (v.serverRejects) expect(res.body.error.message).toContain(v.serverRejects.message);
    expect(await count()).toBe(before);
  });

  it("refuses the catastrophic pattern of issue 10 with a 400 that explains it", async () => {
    const res = await post("redos", { name: { $regex: "^(\\w+\\s?)*$" } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/condition\.name\.\$regex: .*exponential time/);
  });

  it("a __proto__ key in a PATCH is refused too and the stored condition stays", async () => {
    expect((await post("proto-patch", { country: "US" })).status).toBe(201);
    const res = await t.request("PATCH", "/api/v1/experiments/proto-patch", {
      body: '{"condition":{"__proto__":{"country":"US"}}}',
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("condition.__proto__");
    const stored = await t.request("GET", "/api/v1/experiments/proto-patch");
    expect(stored.body.condition).toEqual({ country: "US" });
  });
});
