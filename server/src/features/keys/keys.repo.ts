import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type ApiKeyRow, apiKeys } from "./keys.table.js";

/** Active (not revoked) key with this token hash, if any. */
export async function findActiveKeyByHash(db: Db, tokenHash: string): Promise<ApiKeyRow | undefined> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tokenHash, tokenHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0];
}

/** Inserts a key row. */
export async function insertKey(db: Db, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const rows = await db.insert(apiKeys).values(row).returning();
  return rows[0]!;
}

/** All keys, newest first. */
export async function listKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), apiKeys.id);
}

/** One key by id. */
export async function findKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
  return rows[0];
}

/** Sets `revoked_at` on an active key; returns the updated row or undefined. */
export async function revokeKey(db: Db, id: string, at: Date): Promise<ApiKeyRow | undefined> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return rows[0];
}

/** Number of active admin tokens. */
export async function countActiveAdminKeys(db: Db): Promise<number> {
  const rows = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(eq(apiKeys.kind, "admin"), isNull(apiKeys.revokedAt)));
  return rows.length;
}

/** NOTIFY channel telling every server process that keys changed (their caches must go). */
export const KEYS_CHANGED_CHANNEL = "splitlab_keys_changed";

/** Sends the key-change notification; inside a transaction it is delivered at commit. */
export async function notifyKeysChanged(db: Db, keyId: string): Promise<void> {
  await db.execute(sql`select pg_notify(${KEYS_CHANGED_CHANNEL}, ${keyId})`);
}

/** Distinct environments of SDK keys (active or revoked: revoked keys' traffic stays reportable). */
export async function listSdkKeyEnvironments(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ environment: apiKeys.environment })
    .from(apiKeys)
    .where(and(eq(apiKeys.kind, "sdk"), isNotNull(apiKeys.environment)));
  return rows.map((r) => r.environment!).filter((e) => e.length > 0);
}
