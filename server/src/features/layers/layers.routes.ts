import type { Db } from "../../db.js";
import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { keyParams } from "../../shared/schemas.js";
import { actorOf } from "../keys/index.js";
import {
  createLayerRequest,
  layerListResponse,
  layerResponse,
  updateLayerRequest,
} from "./layers.schemas.js";
import { createLayer, getLayer, type LayerMembers, listAllLayers, updateLayer } from "./layers.service.js";

const tag = "Layers";
const base = "/api/v1/layers";

/** `/api/v1/layers`: list, create, read, update. Admin only. */
export function layersRoutes(deps: { db: Db; members: LayerMembers }): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: base,
      operationId: "listLayers",
      tag,
      summary: "List layers with the slices their experiments own",
      access: "admin",
      success: { status: 200, description: "the layers", schema: layerListResponse },
      errors: [401, 403],
      handler: async () => ({ layers: await listAllLayers(deps.db, deps.members) }),
    }),
    defineRoute({
      method: "post",
      path: base,
      operationId: "createLayer",
      tag,
      summary: "Create a layer (mutually exclusive experiments)",
      access: "admin",
      request: { body: createLayerRequest },
      success: { status: 201, description: "the created layer", schema: layerResponse },
      errors: [400, 401, 403, 409, 415],
      handler: ({ body }, { res }) => createLayer(deps.db, deps.members, actorOf(res), body),
    }),
    defineRoute({
      method: "get",
      path: `${base}/:key`,
      operationId: "getLayer",
      tag,
      summary: "Read a layer",
      access: "admin",
      request: { params: keyParams },
      success: { status: 200, description: "the layer", schema: layerResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params }) => getLayer(deps.db, deps.members, params.key),
    }),
    defineRoute({
      method: "patch",
      path: `${base}/:key`,
      operationId: "updateLayer",
      tag,
      summary: "Update a layer's name or description",
      access: "admin",
      request: { params: keyParams, body: updateLayerRequest },
      success: { status: 200, description: "the updated layer", schema: layerResponse },
      errors: [400, 401, 403, 404, 415],
      handler: ({ params, body }, { res }) =>
        updateLayer(deps.db, deps.members, actorOf(res), params.key, body),
    }),
  ];
}
