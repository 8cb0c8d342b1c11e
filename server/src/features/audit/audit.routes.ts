import { Router } from "express";
import type { Db } from "../../db.js";
import { parseInput } from "../../validate.js";
import type { Auth } from "../keys/keys.auth.js";
import { listAudit } from "./audit.repo.js";
import { auditQuery } from "./audit.schemas.js";

/** `GET /api/v1/audit`: who changed what, when, before/after; newest first. Admin only. */
export function createAuditRouter(deps: { db: Db; auth: Auth }): Router {
  const router = Router();
  router.get("/", deps.auth.requireAdmin, async (req, res) => {
    const q = parseInput(auditQuery, req.query, "query");
    const rows = await listAudit(deps.db, q);
    res.json({
      entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
      nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
    });
  });
  return router;
}
