import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Mutual-exclusion layers: experiments in one layer own non-overlapping slices of it. */
export const layers = pgTable("layers", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** A stored layer row. */
export type LayerRow = typeof layers.$inferSelect;
