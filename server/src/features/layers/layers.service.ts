import type { Db } from "../../db.js";
import { AppError, notFound } from "../../errors.js";
import { insertAudit } from "../audit/index.js";
import type { Actor } from "../keys/index.js";
import { findLayer, insertLayer, listLayers, updateLayer as updateLayerRow } from "./layers.repo.js";
import type { CreateLayerRequest, LayerResponse, UpdateLayerRequest } from "./layers.schemas.js";
import type { LayerRow } from "./layers.table.js";

/**
 * The experiments holding slices of a layer. Experiments own that list (and depend on layers
 * for their slices), so the composition root passes it in: layers never import experiments.
 */
export type LayerMembers = (
  db: Db,
  layerKey: string,
) => Promise<{ key: string; status: string; layerLo: number | null; layerHi: number | null }[]>;

async function toLayerResponse(db: Db, members: LayerMembers, row: LayerRow): Promise<LayerResponse> {
  const held = await members(db, row.key);
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    experiments: held.map((m) => ({
      key: m.key,
      status: m.status,
      range: [m.layerLo ?? 0, m.layerHi ?? 0],
    })),
  };
}

/** Creates a layer (409 if the key exists). */
export async function createLayer(
  db: Db,
  members: LayerMembers,
  actor: Actor,
  input: CreateLayerRequest,
): Promise<LayerResponse> {
  return db.transaction(async (tx) => {
    if (await findLayer(tx, input.key)) {
      throw new AppError(409, "conflict", `layer "${input.key}" already exists`, { field: "key" });
    }
    const after = await toLayerResponse(tx, members, await insertLayer(tx, input));
    await insertAudit(tx, {
      actor: actor.label,
      action: "layer.create",
      entityType: "layer",
      entityKey: input.key,
      after,
    });
    return after;
  });
}

/** One layer with its experiments' slices, or 404. */
export async function getLayer(db: Db, members: LayerMembers, key: string): Promise<LayerResponse> {
  const row = await findLayer(db, key);
  if (!row) throw notFound(`layer "${key}"`);
  return toLayerResponse(db, members, row);
}

/** All layers with their slices. */
export async function listAllLayers(db: Db, members: LayerMembers): Promise<LayerResponse[]> {
  const rows = await listLayers(db);
  return Promise.all(rows.map((r) => toLayerResponse(db, members, r)));
}

/** Renames / re-describes a layer. */
export async function updateLayer(
  db: Db,
  members: LayerMembers,
  actor: Actor,
  key: string,
  patch: UpdateLayerRequest,
): Promise<LayerResponse> {
  return db.transaction(async (tx) => {
    const current = await findLayer(tx, key, true);
    if (!current) throw notFound(`layer "${key}"`);
    const before = await toLayerResponse(tx, members, current);
    const after = await toLayerResponse(tx, members, await updateLayerRow(tx, key, patch));
    await insertAudit(tx, {
      actor: actor.label,
      action: "layer.update",
      entityType: "layer",
      entityKey: key,
      before,
      after,
    });
    return after;
  });
}
