import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db.js";
import { type LayerRow, layers } from "./layers.table.js";

/** One layer; `lock` serialises slice checks on it (inside a transaction). */
export async function findLayer(db: Db, key: string, lock = false): Promise<LayerRow | undefined> {
  const query = db.select().from(layers).where(eq(layers.key, key)).limit(1);
  const rows = lock ? await query.for("update") : await query;
  return rows[0];
}

/** All layers in key order. */
export async function listLayers(db: Db): Promise<LayerRow[]> {
  return db.select().from(layers).orderBy(asc(layers.key));
}

/** Inserts a layer. */
export async function insertLayer(db: Db, row: typeof layers.$inferInsert): Promise<LayerRow> {
  return (await db.insert(layers).values(row).returning())[0]!;
}

/** Updates a layer's name/description. */
export async function updateLayer(
  db: Db,
  key: string,
  changes: { name?: string | undefined; description?: string | undefined },
): Promise<LayerRow> {
  const set: Partial<typeof layers.$inferInsert> = { updatedAt: new Date() };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.description !== undefined) set.description = changes.description;
  return (await db.update(layers).set(set).where(eq(layers.key, key)).returning())[0]!;
}
