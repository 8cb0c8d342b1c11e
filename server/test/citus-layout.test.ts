/**
 * Citus is not packaged for this machine, so the distributed layout is checked against the
 * rules Citus enforces, on the real migrated schema (PGlite or PostgreSQL):
 * - every table is named once in migrations/citus/distribute.sql, as a reference table or as a
 *   table distributed by unit_id (a new table cannot be forgotten);
 * - a distributed table's primary key and unique indexes include the distribution column
 *   (Citus refuses them otherwise: "cannot create constraint on ... Distributed relations
 *   cannot have UNIQUE, EXCLUDE, or PRIMARY KEY constraints that do not include the partition
 *   column", Citus docs, "Table Management");
 * - a foreign key between reference tables points at one created before it, and no foreign key
 *   points from a reference table into a distributed one (also refused by Citus).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "./test-db.js";

const script = readFileSync(
  path.resolve(import.meta.dirname, "../../migrations/citus/distribute.sql"),
  "utf8",
);

function listIn(name: string): string[] {
  const match = script.match(new RegExp(`${name} text\\[\\] := array\\[([^\\]]*)\\]`));
  if (!match) throw new Error(`${name} not found in distribute.sql`);
  return [...match[1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
}

const reference = listIn("reference_tables");
const distributed = listIn("distributed_tables");

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.cleanup());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.execute(query)).rows as T[];
}

describe("the Citus layout (migrations/citus/distribute.sql) fits the schema", () => {
  it("names every table once: reference or distributed by unit_id", async () => {
    const tables = await rows<{ name: string }>(
      sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`,
    );
    const named = [...reference, ...distributed];
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual(tables.map((r) => r.name));
    expect(distributed).toEqual(["exposures", "events", "results_units"]);
  });

  it("gives every distributed table's primary key and unique indexes the unit_id column", async () => {
    const unique = await rows<{ table: string; index: string; columns: string[] }>(sql`
      select c.relname as "table", i.relname as "index",
             array(select a.attname::text from unnest(x.indkey) with ordinality as k(attnum, position)
                   join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
                   order by k.position) as columns
      from pg_index x
      join pg_class c on c.oid = x.indrelid
      join pg_class i on i.oid = x.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and (x.indisunique or x.indisprimary)`);
    const onDistributed = unique.filter((u) => distributed.includes(u.table));
    // Each distributed table has its primary key, and it leads with unit_id (erasure by unit).
    for (const table of distributed) {
      expect(
        onDistributed.some((u) => u.table === table),
        `${table} has no primary key`,
      ).toBe(true);
    }
    for (const u of onDistributed) {
      expect(u.columns, `${u.table}.${u.index}`).toContain("unit_id");
    }
    expect(onDistributed.find((u) => u.index === "exposures_pkey")?.columns).toEqual(["unit_id", "id"]);
    expect(onDistributed.find((u) => u.index === "events_pkey")?.columns).toEqual(["unit_id", "id"]);
  });

  it("orders reference tables after the tables their foreign keys point at, with no key into a distributed table", async () => {
    const keys = await rows<{ from: string; to: string }>(sql`
      select conrelid::regclass::text as "from", confrelid::regclass::text as "to"
      from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`);
    for (const k of keys) {
      expect(distributed, `foreign key ${k.from} -> ${k.to}`).not.toContain(k.to);
      if (reference.includes(k.from)) {
        expect(reference.indexOf(k.to), `${k.to} before ${k.from}`).toBeLessThan(reference.indexOf(k.from));
      }
    }
  });
});
