import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type AuditRow, auditLog } from "./audit.table.js";

/** One change to record. */
export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityKey: string;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit row (call inside the transaction that makes the change). */
export async function insertAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityKey: entry.entityKey,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

/** Filters of {@link listAudit}. */
export interface AuditFilter {
  entityType?: string | undefined;
  entityKey?: string | undefined;
  /** Only rows with id below this (pagination, newest first). */
  before?: number | undefined;
  limit: number;
}

/** Audit rows, newest first. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (filter.entityType) where.push(eq(auditLog.entityType, filter.entityType));
  if (filter.entityKey) where.push(eq(auditLog.entityKey, filter.entityKey));
  if (filter.before !== undefined) where.push(lt(auditLog.id, filter.before));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit);
}
