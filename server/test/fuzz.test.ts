/**
 * Attack suite, fuzz part (issue 10): 5,000 random and adversarial requests (fast-check, fixed
 * seed) at every endpoint of the real app over HTTP: never a 5xx, no stack trace or SQL in a
 * body, no row from a rejected event, clean batches sent alongside poisoned ones all accepted,
 * no refused call changing an experiment. `npm run bench:fuzz` runs many more.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FuzzTarget, fuzzIngestion, fuzzManagement, prepareFuzzTarget } from "./fuzz-suite.js";
import { startTestApp, type TestApp } from "./test-app.js";

/** Fixed seed: a failure names it and the shrunk request, and reruns identically. */
const SEED = 20_261_202;

let t: TestApp;
let target: FuzzTarget;

beforeAll(async () => {
  t = await startTestApp();
  target = await prepareFuzzTarget(t);
});
afterAll(() => t.close());

describe("fuzz", () => {
  it("POST /api/v1/events: 3,000 adversarial bodies, each beside a clean batch", async () => {
    const stats = await fuzzIngestion(target, { numRuns: 3000, seed: SEED });
    expect(stats.cases).toBe(3000);
    // The fuzzer reaches both outcomes: acknowledged events and refusals of every kind.
    expect(stats.accepted).toBeGreaterThan(2 * 3000 + 200);
    expect(stats.rejected).toBeGreaterThan(1000);
    expect(stats.byStatus[400]).toBeGreaterThan(100);
    const leftovers = await t.db.execute(
      sql`select count(*)::int as n from events where value > 1e15 or value < -1e15`,
    );
    expect(Number(leftovers.rows[0]!.n)).toBe(0);
  }, 600_000);

  it("management API: 2,000 adversarial requests", async () => {
    const stats = await fuzzManagement(target, { numRuns: 2000, seed: SEED });
    expect(stats.cases).toBe(2000);
    expect(stats.byStatus[400]).toBeGreaterThan(500);
    expect(stats.accepted).toBeGreaterThan(20);
  }, 600_000);
});
