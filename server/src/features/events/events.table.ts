import {
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * Exposures posted by the SDK: one row per (unit id, client-generated event id), so a retried
 * batch never counts twice. The primary key leads with `unit_id`, the distribution column on
 * Citus (a distributed table's unique constraints must include it; docs/SCALING.md), which
 * also serves erasure by unit. Colocated with `events` on Citus.
 */
export const exposures = pgTable(
  "exposures",
  {
    id: uuid("id").notNull(),
    experimentKey: text("experiment_key").notNull(),
    variantKey: text("variant_key").notNull(),
    unitId: text("unit_id").notNull(),
    ts: timestamp("ts", { withTimezone: true, mode: "date" }).notNull(),
    attributes: jsonb("attributes").$type<Record<string, unknown>>(),
    /** Environment of the SDK key that sent it (results are reported per environment). */
    environment: text("environment").notNull().default("production"),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    // Idempotency key; its leading unit_id also serves erasure by unit.
    primaryKey({ name: "exposures_pkey", columns: [t.unitId, t.id] }),
    // Results: first exposure per unit of one experiment.
    index("exposures_experiment_unit_ts_idx").on(t.experimentKey, t.unitId, t.ts),
    // Retention deletes by age: BRIN is tiny and nearly free to maintain, and rows arrive
    // roughly in timestamp order.
    index("exposures_ts_brin").using("brin", t.ts),
    // Incremental results refresh: rows received since the last watermark.
    index("exposures_received_brin").using("brin", t.receivedAt),
  ],
);

/** Behavioral events (`track`) posted by the SDK, keyed by (unit id, client-generated id) like exposures. */
export const events = pgTable(
  "events",
  {
    id: uuid("id").notNull(),
    name: text("name").notNull(),
    unitId: text("unit_id").notNull(),
    ts: timestamp("ts", { withTimezone: true, mode: "date" }).notNull(),
    value: doublePrecision("value"),
    properties: jsonb("properties").$type<Record<string, unknown>>(),
    /** Environment of the SDK key that sent it. */
    environment: text("environment").notNull().default("production"),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "events_pkey", columns: [t.unitId, t.id] }),
    // Results: events of one unit and metric inside the window; also serves erasure by unit_id.
    index("events_unit_name_ts_idx").on(t.unitId, t.name, t.ts),
    // Retention deletes by age (BRIN, see exposures).
    index("events_ts_brin").using("brin", t.ts),
    // Incremental results refresh: rows received since the last watermark.
    index("events_received_brin").using("brin", t.receivedAt),
  ],
);

export type ExposureRow = typeof exposures.$inferInsert;
export type EventRow = typeof events.$inferInsert;
