import type { Db } from "../../db.js";
import { notFound } from "../../errors.js";
import { insertAudit } from "../audit/index.js";
import type { Actor } from "./keys.auth.js";
import {
  countActiveAdminKeys,
  findKey,
  insertKey,
  listKeys,
  listSdkKeyEnvironments,
  notifyKeysChanged,
  revokeKey,
} from "./keys.repo.js";
import type { CreateKeyRequest, KeyResponse } from "./keys.schemas.js";
import type { ApiKeyRow } from "./keys.table.js";
import { generateKeyId, generateToken, hashToken } from "./keys.tokens.js";

/** Environments every project knows, with or without an SDK key for them. */
export const BUILT_IN_ENVIRONMENTS = ["production", "staging"] as const;

/** The environment results and ingestion default to (admin tokens, rows from before environments). */
export const DEFAULT_ENVIRONMENT = "production";

/**
 * The environments known to the project, sorted: the built-in ones plus the environment of
 * every SDK key ever created. Experiments may be enabled in these and reported for these.
 */
export async function knownEnvironments(db: Db): Promise<string[]> {
  const all = new Set<string>([...BUILT_IN_ENVIRONMENTS, ...(await listSdkKeyEnvironments(db))]);
  return [...all].sort();
}

/** Row -> API shape (no hash, no token). */
export function toKeyResponse(row: ApiKeyRow): KeyResponse {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    environment: row.environment,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a key, stores its hash and returns the token once. */
export async function createKey(
  db: Db,
  actor: Actor,
  input: CreateKeyRequest,
): Promise<KeyResponse & { token: string }> {
  const token = generateToken(input.kind);
  const row = await db.transaction(async (tx) => {
    const created = await insertKey(tx, {
      id: generateKeyId(),
      kind: input.kind,
      name: input.name,
      environment: input.kind === "sdk" ? input.environment : null,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
    });
    await insertAudit(tx, {
      actor: actor.label,
      action: "key.create",
      entityType: "key",
      entityKey: created.id,
      after: toKeyResponse(created),
    });
    return created;
  });
  return { ...toKeyResponse(row), token };
}

/** All keys, newest first, without tokens. */
export async function listAllKeys(db: Db): Promise<KeyResponse[]> {
  return (await listKeys(db)).map(toKeyResponse);
}

/**
 * Revokes a key (404 if unknown; revoking a revoked key returns it unchanged) and notifies
 * every server process on commit, so the key is refused at once everywhere.
 */
export async function revokeKeyById(db: Db, actor: Actor, id: string): Promise<KeyResponse> {
  return db.transaction(async (tx) => {
    const before = await findKey(tx, id);
    if (!before) throw notFound(`key "${id}"`);
    if (before.revokedAt) return toKeyResponse(before);
    const after = (await revokeKey(tx, id, new Date()))!;
    // Every process drops its cached look-ups when this commits (LISTEN/NOTIFY).
    await notifyKeysChanged(tx, id);
    await insertAudit(tx, {
      actor: actor.label,
      action: "key.revoke",
      entityType: "key",
      entityKey: id,
      before: toKeyResponse(before),
      after: toKeyResponse(after),
    });
    return toKeyResponse(after);
  });
}

/**
 * First start: when no ADMIN_TOKEN is configured and no active admin token exists,
 * generates one, stores its hash and returns it (to print once). Otherwise undefined.
 */
export async function ensureAdminToken(
  db: Db,
  envAdminToken: string | undefined,
): Promise<string | undefined> {
  if (envAdminToken) return undefined;
  if ((await countActiveAdminKeys(db)) > 0) return undefined;
  const system: Actor = { kind: "admin", id: "system", label: "system:first-start" };
  const created = await createKey(db, system, { kind: "admin", name: "generated on first start" });
  return created.token;
}
