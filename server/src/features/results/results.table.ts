import {
  bigint,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * Pre-aggregation for results: one row per (experiment, unit, environment) with the unit's first exposure
 * and, per metric of the experiment (in the order fixed by `results_state.fingerprint`), the raw
 * attributed event count `n`, sum of values `s` and count of non-null values `k` inside the
 * metric's window. Caps are applied when reading, so rows stay additive: new events add to them.
 * Distributed by `unit_id` on Citus (colocated with exposures and events).
 */
export const resultsUnits = pgTable(
  "results_units",
  {
    experimentKey: text("experiment_key").notNull(),
    unitId: text("unit_id").notNull(),
    /** Environment of the unit's exposures and events (each environment is aggregated apart). */
    environment: text("environment").notNull().default("production"),
    /** Variant of the first exposure among the experiment's known variants. */
    variantKey: text("variant_key").notNull(),
    /** The unit was exposed to more than one known variant: excluded from metrics. */
    multi: boolean("multi").notNull(),
    firstTs: timestamp("first_ts", { withTimezone: true, mode: "date" }).notNull(),
    /** UTC day of the first exposure (days since 1970-01-01): the daily series groups by it. */
    firstDay: integer("first_day").notNull(),
    /** Attributes of the first exposure (for breakdowns). */
    attributes: jsonb("attributes").$type<Record<string, unknown>>(),
    n: doublePrecision("n").array().notNull(),
    s: doublePrecision("s").array().notNull(),
    k: doublePrecision("k").array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentKey, t.unitId, t.environment] })],
);

/** Refresh bookkeeping per experiment: which metric definitions the rows hold, and up to when. */
export const resultsState = pgTable("results_state", {
  experimentKey: text("experiment_key").primaryKey(),
  /** JSON of the metric definitions (event, window) and variants the rows were built for. */
  fingerprint: text("fingerprint").notNull(),
  /** Every exposure/event with `received_at <= watermark` is reflected in `results_units`. */
  watermark: timestamp("watermark", { withTimezone: true, mode: "date" }).notNull(),
  /** Exposures (rows) naming a variant the experiment does not have, up to the watermark. */
  unknownVariantExposures: bigint("unknown_variant_exposures", { mode: "number" }).notNull(),
  refreshedAt: timestamp("refreshed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
