import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Append-only log of every change: who, what, when, before/after. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Who: "key:<id> (<name>)" or "env:ADMIN_TOKEN". */
    actor: text("actor").notNull(),
    /** What: "experiment.create", "experiment.start", "key.revoke", ... */
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityKey: text("entity_key").notNull(),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [index("audit_entity_idx").on(t.entityType, t.entityKey, t.id)],
);

/** A stored audit row. */
export type AuditRow = typeof auditLog.$inferSelect;
