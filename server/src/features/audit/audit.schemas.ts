import { z } from "zod";

/** Query of `GET /api/v1/audit`. */
export const auditQuery = z.strictObject({
  entityType: z.enum(["experiment", "metric", "layer", "key"]).optional(),
  entityKey: z.string().min(1).max(200).optional(),
  before: z.coerce.number().int().positive().optional().describe("id cursor: rows older than this"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** One audit entry. */
export const auditEntryResponse = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    entityType: z.string(),
    entityKey: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .meta({ id: "AuditEntry" });

/** Answer of `GET /api/v1/audit`. */
export const auditPageResponse = z
  .object({
    entries: z.array(auditEntryResponse),
    nextBefore: z.number().int().nullable().describe("pass as `before` for the next page; null on the last"),
  })
  .meta({ id: "AuditPage" });
