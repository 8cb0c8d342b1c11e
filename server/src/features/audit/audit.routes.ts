import type { Db } from "../../db.js";
import { defineRoute, type RouteDefinition } from "../../http/route.js";
import { listAudit } from "./audit.repo.js";
import { auditPageResponse, auditQuery } from "./audit.schemas.js";

/** `GET /api/v1/audit`: who changed what, when, before/after; newest first. Admin only. */
export function auditRoutes(deps: { db: Db }): RouteDefinition[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/audit",
      operationId: "listAudit",
      tag: "Audit",
      summary: "Audit log, newest first",
      description: "Pages with `before` = the previous page's `nextBefore` (null on the last page).",
      access: "admin",
      request: { query: auditQuery },
      success: { status: 200, description: "a page of entries", schema: auditPageResponse },
      errors: [400, 401, 403],
      handler: async ({ query }) => {
        const rows = await listAudit(deps.db, query);
        return {
          entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
          nextBefore: rows.length === query.limit ? rows[rows.length - 1]!.id : null,
        };
      },
    }),
  ];
}
