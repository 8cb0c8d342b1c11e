import type { Db } from "../../db.js";
import { AppError, notFound } from "../../errors.js";
import { insertAudit } from "../audit/audit.repo.js";
import type { Actor } from "../keys/keys.auth.js";
import {
  findLayer,
  insertLayer,
  listLayerExperiments,
  listLayers,
  updateLayer as updateLayerRow,
} from "./layers.repo.js";
import type { CreateLayerRequest, LayerResponse, UpdateLayerRequest } from "./layers.schemas.js";
import type { LayerRow } from "./layers.table.js";

async function toLayerResponse(db: Db, row: LayerRow): Promise<LayerResponse> {
  const members = await listLayerExperiments(db, row.key);
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    experiments: members.map((m) => ({
      key: m.key,
      status: m.status,
      range: [m.layerLo ?? 0, m.layerHi ?? 0],
    })),
  };
}

/** Creates a layer (409 if the key exists). */
export async function createLayer(db: Db, actor: Actor, input: CreateLayerRequest): Promise<LayerResponse> {
  return db.transaction(async (tx) => {
    if (await findLayer(tx, input.key)) {
      throw new AppError(409, "conflict", `layer "${input.key}" already exists`, { field: "key" });
    }
    const after = await toLayerResponse(tx, await insertLayer(tx, input));
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
export async function getLayer(db: Db, key: string): Promise<LayerResponse> {
  const row = await findLayer(db, key);
  if (!row) throw notFound(`layer "${key}"`);
  return toLayerResponse(db, row);
}

/** All layers with their slices. */
export async function listAllLayers(db: Db): Promise<LayerResponse[]> {
  const rows = await listLayers(db);
  return Promise.all(rows.map((r) => toLayerResponse(db, r)));
}

/** Renames / re-describes a layer. */
export async function updateLayer(
  db: Db,
  actor: Actor,
  key: string,
  patch: UpdateLayerRequest,
): Promise<LayerResponse> {
  return db.transaction(async (tx) => {
    const current = await findLayer(tx, key, true);
    if (!current) throw notFound(`layer "${key}"`);
    const before = await toLayerResponse(tx, current);
    const after = await toLayerResponse(tx, await updateLayerRow(tx, key, patch));
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
