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
  /**
   * What `results_sums` of the experiment were computed for (the rows' fingerprint plus each
   * metric's type and cap); null when they are missing or no longer match `results_units`
   * (erasure, retention): requests then read `results_units` until the worker recomputes them.
   */
  sumsFingerprint: text("sums_fingerprint"),
  refreshedAt: timestamp("refreshed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/**
 * The report's sums, kept by the refresh worker in the same transaction as `results_units`: per
 * (experiment, environment, variant, multi flag, UTC day of first exposure, exclusion class)
 * the unit count and the sums every metric's statistics need (results.sql.ts `metricSumList`,
 * in metric order; caps applied). An incremental refresh subtracts the old contribution of the
 * units it touches and adds their new one, so a request reads a few rows per day instead of
 * every unit's row. Valid while `results_state.sums_fingerprint` matches the definition.
 */
export const resultsSums = pgTable(
  "results_sums",
  {
    experimentKey: text("experiment_key").notNull(),
    environment: text("environment").notNull(),
    variantKey: text("variant_key").notNull(),
    multi: boolean("multi").notNull(),
    firstDay: integer("first_day").notNull(),
    /** 0: counted; 1: first exposure before the start (minus skew); 2: after the stop (plus skew). */
    excl: integer("excl").notNull(),
    units: doublePrecision("units").notNull(),
    sums: doublePrecision("sums").array().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.experimentKey, t.environment, t.variantKey, t.multi, t.firstDay, t.excl] }),
  ],
);
