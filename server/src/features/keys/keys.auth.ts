import { timingSafeEqual } from "node:crypto";
import type { RequestHandler, Response } from "express";
import type { Db } from "../../db.js";
import { AppError } from "../../errors.js";
import { findActiveKeyByHash } from "./keys.repo.js";
import type { ApiKeyRow } from "./keys.table.js";
import { bearerToken, hashToken } from "./keys.tokens.js";

/** Who made a request: an admin token (stored or from ADMIN_TOKEN) or an SDK key. */
export interface Actor {
  kind: "admin" | "sdk";
  /** Key id, or "env" for the ADMIN_TOKEN environment variable. */
  id: string;
  /** Human label for the audit log: "key:<id> (<name>)" or "env:ADMIN_TOKEN". */
  label: string;
  /** SDK keys: their environment. */
  environment?: string | undefined;
}

/** Options of {@link createAuth}. */
export interface AuthOptions {
  db: Db;
  /** Admin token accepted in addition to stored admin tokens (ADMIN_TOKEN). */
  adminToken?: string | undefined;
  /** How long a looked-up key is trusted before it is read again, in ms (default 10000). */
  cacheTtlMs?: number;
}

/** The auth middlewares plus a hook to forget cached keys (after a revoke). */
export interface Auth {
  /** 401 without a valid admin token, 403 for an SDK key. Sets `res.locals.actor`. */
  requireAdmin: RequestHandler;
  /** 401 without a valid SDK key (admin tokens are accepted too). Sets `res.locals.actor`. */
  requireSdkKey: RequestHandler;
  /** Resolves a bearer token to its actor, or undefined. */
  authenticate: (token: string) => Promise<Actor | undefined>;
  /** Forgets cached key look-ups (revocations take effect at once). */
  invalidate: () => void;
}

/** The actor set by {@link Auth.requireAdmin} / {@link Auth.requireSdkKey}. */
export function actorOf(res: Response): Actor {
  const actor = (res.locals as { actor?: Actor }).actor;
  if (!actor) throw new AppError(401, "unauthorized", "missing authentication");
  return actor;
}

function actorFromRow(row: ApiKeyRow): Actor {
  return {
    kind: row.kind,
    id: row.id,
    label: `key:${row.id} (${row.name})`,
    environment: row.environment ?? undefined,
  };
}

/**
 * Builds `requireAdmin` / `requireSdkKey`. Tokens come as `Authorization: Bearer <token>`,
 * are hashed with sha-256 and looked up among active keys; `adminToken` (ADMIN_TOKEN) is
 * accepted as an admin token as well. Look-ups are cached briefly in process.
 */
export function createAuth(options: AuthOptions): Auth {
  const ttl = options.cacheTtlMs ?? 10_000;
  const cache = new Map<string, { actor: Actor; at: number }>();
  const envHash = options.adminToken ? Buffer.from(hashToken(options.adminToken), "hex") : undefined;

  const authenticate = async (token: string): Promise<Actor | undefined> => {
    const hash = hashToken(token);
    if (envHash && timingSafeEqual(envHash, Buffer.from(hash, "hex"))) {
      return { kind: "admin", id: "env", label: "env:ADMIN_TOKEN" };
    }
    const hit = cache.get(hash);
    const now = Date.now();
    if (hit && now - hit.at < ttl) return hit.actor;
    const row = await findActiveKeyByHash(options.db, hash);
    if (!row) {
      cache.delete(hash);
      return undefined;
    }
    const actor = actorFromRow(row);
    if (cache.size > 10_000) cache.clear();
    cache.set(hash, { actor, at: now });
    return actor;
  };

  const resolve = async (authorization: string | undefined, needed: string): Promise<Actor> => {
    const token = bearerToken(authorization);
    if (!token) {
      throw new AppError(401, "unauthorized", `missing ${needed}: send "Authorization: Bearer <token>"`);
    }
    const actor = await authenticate(token);
    if (!actor) throw new AppError(401, "unauthorized", `unknown or revoked ${needed}`);
    return actor;
  };

  return {
    authenticate,
    invalidate: () => cache.clear(),
    requireAdmin: async (req, res, next) => {
      const actor = await resolve(req.headers.authorization, "admin token");
      if (actor.kind !== "admin")
        throw new AppError(403, "forbidden", "this endpoint needs an admin token, not an SDK key");
      res.locals.actor = actor;
      next();
    },
    requireSdkKey: async (req, res, next) => {
      res.locals.actor = await resolve(req.headers.authorization, "SDK key");
      next();
    },
  };
}
