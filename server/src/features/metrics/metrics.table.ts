import { doublePrecision, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Metric types: did the unit convert / how many events / sum of values / mean of values. */
export const METRIC_TYPES = ["binomial", "count", "sum", "mean"] as const;
/** One of {@link METRIC_TYPES}. */
export type MetricType = (typeof METRIC_TYPES)[number];

/** Metrics computed from `track` events named `event_name`, within a window after first exposure. */
export const metrics = pgTable(
  "metrics",
  {
    key: text("key").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    eventName: text("event_name").notNull(),
    type: text("type").$type<MetricType>().notNull(),
    windowHours: integer("window_hours").notNull(),
    direction: text("direction").$type<"increase" | "decrease">().notNull().default("increase"),
    /** Winsorization: per-unit values above `cap` count as `cap`. */
    cap: doublePrecision("cap"),
    /** CUPED: the covariate is this metric over this many days before first exposure; 0 = none. */
    cupedLookbackDays: integer("cuped_lookback_days").notNull().default(14),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("metrics_event_name_idx").on(t.eventName)],
);

/** A stored metric row. */
export type MetricRow = typeof metrics.$inferSelect;
