import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Key kinds: public SDK keys (per environment) and secret admin tokens. */
export type KeyKind = "sdk" | "admin";

/** API keys, stored as the sha-256 of the token; the token itself is shown once at creation. */
export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  kind: text("kind").$type<KeyKind>().notNull(),
  name: text("name").notNull(),
  /** SDK keys: the environment ("production", "staging", ...). Null for admin tokens. */
  environment: text("environment"),
  tokenHash: text("token_hash").notNull().unique(),
  /** First characters of the token, to recognise it in lists. */
  prefix: text("prefix").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
});

/** A stored key row. */
export type ApiKeyRow = typeof apiKeys.$inferSelect;
