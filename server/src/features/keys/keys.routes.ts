import type { Db } from "../../db.js";
import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { type Auth, actorOf } from "./keys.auth.js";
import {
  createdKeyResponse,
  createKeyRequest,
  environmentListResponse,
  keyIdParams,
  keyListResponse,
  keyResponse,
} from "./keys.schemas.js";
import { createKey, knownEnvironments, listAllKeys, revokeKeyById } from "./keys.service.js";

const tag = "Keys";
const base = "/api/v1/keys";

/** `/api/v1/keys`: create (token shown once), list, revoke. Admin only. */
export function keysRoutes(deps: { db: Db; auth: Pick<Auth, "invalidate"> }): RouteDefinition[] {
  const revoke = async (id: string, res: Parameters<typeof actorOf>[0]) => {
    const key = await revokeKeyById(deps.db, actorOf(res), id);
    deps.auth.invalidate();
    return key;
  };
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/environments",
      operationId: "listEnvironments",
      tag,
      summary: "List the environments experiments can be enabled in",
      description:
        "production and staging always, plus every SDK key's environment (revoked keys included): the values `environments` of an experiment and `?environment=` of a report accept.",
      access: "admin",
      success: { status: 200, description: "the known environments", schema: environmentListResponse },
      errors: [401, 403],
      handler: async () => ({ environments: await knownEnvironments(deps.db) }),
    }),
    defineRoute({
      method: "get",
      path: base,
      operationId: "listKeys",
      tag,
      summary: "List SDK keys and admin tokens (never the tokens themselves)",
      access: "admin",
      success: { status: 200, description: "the keys", schema: keyListResponse },
      errors: [401, 403],
      handler: async () => ({ keys: await listAllKeys(deps.db) }),
    }),
    defineRoute({
      method: "post",
      path: base,
      operationId: "createKey",
      tag,
      summary: "Create an SDK key (per environment) or an admin token",
      description: "The token is in this answer only; it is stored as a sha-256 hash.",
      access: "admin",
      request: { body: createKeyRequest },
      success: {
        status: 201,
        description: "the key with its token (shown once)",
        schema: createdKeyResponse,
      },
      errors: [400, 401, 403, 415],
      handler: ({ body }, { res }) => createKey(deps.db, actorOf(res), body),
    }),
    defineRoute({
      method: "post",
      path: `${base}/:id/revoke`,
      operationId: "revokeKey",
      tag,
      summary: "Revoke a key",
      description: "The key stops working at once. Same as `DELETE /api/v1/keys/{id}`.",
      access: "admin",
      request: { params: keyIdParams },
      success: { status: 200, description: "the revoked key", schema: keyResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params }, { res }) => revoke(params.id, res),
    }),
    defineRoute({
      method: "delete",
      path: `${base}/:id`,
      operationId: "deleteKey",
      tag,
      summary: "Revoke a key (DELETE form)",
      description: "Same as `POST /api/v1/keys/{id}/revoke`; the row stays for the audit log.",
      access: "admin",
      request: { params: keyIdParams },
      success: { status: 200, description: "the revoked key", schema: keyResponse },
      errors: [400, 401, 403, 404],
      handler: ({ params }, { res }) => revoke(params.id, res),
    }),
  ];
}
