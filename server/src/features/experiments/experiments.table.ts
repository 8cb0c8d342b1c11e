import type { Condition, Json } from "@splitlab/sdk/types";
import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { layers } from "../layers/layers.table.js";

/** One arm as stored (in order; the first is the control). */
export interface StoredVariant {
  key: string;
  name: string;
  weight: number;
  payload?: Json | undefined;
}

/** Analysis settings of one experiment. */
export interface StoredAnalysis {
  alpha: number;
  sequential: boolean;
  correction: "none" | "holm" | "bh";
}

/** How a stopped experiment ended. */
export interface StoredDecision {
  outcome: "ship" | "rollback" | "inconclusive";
  /** Variant shipped (outcome "ship"). */
  variant?: string | undefined;
  note: string;
}

/**
 * Experiments. Variants, forced overrides, metrics lists and analysis settings are
 * stored as JSON on the row so one experiment always changes atomically.
 * Lifecycle: draft -> running -> stopped -> archived (draft/stopped may also be archived).
 */
export const experiments = pgTable(
  "experiments",
  {
    key: text("key").primaryKey(),
    name: text("name").notNull(),
    hypothesis: text("hypothesis").notNull().default(""),
    status: text("status").$type<"draft" | "running" | "stopped" | "archived">().notNull().default("draft"),
    seed: text("seed").notNull(),
    hashVersion: integer("hash_version").notNull().default(1),
    unitAttribute: text("unit_attribute").notNull().default("id"),
    variants: jsonb("variants").$type<StoredVariant[]>().notNull(),
    coverage: doublePrecision("coverage").notNull().default(1),
    layerKey: text("layer_key").references(() => layers.key, { onDelete: "restrict" }),
    layerLo: doublePrecision("layer_lo"),
    layerHi: doublePrecision("layer_hi"),
    condition: jsonb("condition").$type<Condition>(),
    forced: jsonb("forced").$type<Record<string, string>>().notNull().default({}),
    primaryMetrics: jsonb("primary_metrics").$type<string[]>().notNull().default([]),
    guardrailMetrics: jsonb("guardrail_metrics").$type<string[]>().notNull().default([]),
    analysis: jsonb("analysis").$type<StoredAnalysis>().notNull(),
    decision: jsonb("decision").$type<StoredDecision>(),
    /**
     * Environments the experiment is enabled in: an SDK key receives it only when its
     * environment is listed, so staging and production can run different experiments.
     */
    environments: text("environments").array().notNull().default(sql`'{production}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }),
    stoppedAt: timestamp("stopped_at", { withTimezone: true, mode: "date" }),
    archivedAt: timestamp("archived_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("experiments_status_idx").on(t.status), index("experiments_layer_idx").on(t.layerKey)],
);

/** A stored experiment row. */
export type ExperimentRow = typeof experiments.$inferSelect;
/** Insert shape of {@link experiments}. */
export type ExperimentInsert = typeof experiments.$inferInsert;
