import { timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type { Db } from "../../db.js";
import { AppError } from "../../errors.js";
import { clientIp, type RateLimits } from "../../limits.js";
import { findActiveKeyByHash } from "./keys.repo.js";
import type { ApiKeyRow } from "./keys.table.js";
import { basicAuthToken, bearerToken, hashToken } from "./keys.tokens.js";

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
  /** How long an unknown token is remembered as unknown (no query), in ms (default 60000; 0: off). */
  negativeCacheMs?: number;
  /** Per-key and failed-authentication limits (none when absent). */
  limits?: Pick<RateLimits, "consumeKey" | "checkAuthFailures" | "recordAuthFailure">;
  /**
   * Whether cached look-ups may be used right now. Multi-process deployments pass "the key
   * change listener is connected": while it is not, a revocation on another process could go
   * unseen, so every request reads the key again. Default: always (one process).
   */
  cacheTrusted?: () => boolean;
}

/** The auth middlewares plus a hook to forget cached keys (after a revoke). */
export interface Auth {
  /** 401 without a valid admin token, 403 for an SDK key. Sets `res.locals.actor`. */
  requireAdmin: RequestHandler;
  /** 401 without a valid SDK key (admin tokens are accepted too). Sets `res.locals.actor`. */
  requireSdkKey: RequestHandler;
  /**
   * {@link Auth.requireSdkKey} that also takes the key as HTTP basic auth user name with an
   * empty password (`Authorization: Basic base64("<key>:")`), as Segment sends its write key.
   */
  requireSdkKeyOrBasic: RequestHandler;
  /** Resolves a bearer token to its actor, or undefined. */
  authenticate: (token: string) => Promise<Actor | undefined>;
  /** Forgets cached key look-ups, known and unknown (revocations take effect at once). */
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
 * accepted as an admin token as well. Look-ups are cached briefly in process (found keys for
 * `cacheTtlMs`, unknown tokens for `negativeCacheMs`); `invalidate()` (called on every key
 * change, in every process through LISTEN/NOTIFY) forgets both. Failed authentications count
 * against the caller's IP and accepted ones against the key ({@link AuthOptions.limits}).
 */
export function createAuth(options: AuthOptions): Auth {
  const ttl = options.cacheTtlMs ?? 10_000;
  const negativeTtl = options.negativeCacheMs ?? 60_000;
  const trusted = options.cacheTrusted ?? (() => true);
  const cache = new Map<string, { actor: Actor; at: number }>();
  const unknown = new Map<string, number>();
  const envHash = options.adminToken ? Buffer.from(hashToken(options.adminToken), "hex") : undefined;
  // Bumped by invalidate(): a look-up that started before it must not refill the cache.
  let generation = 0;

  const authenticate = async (token: string): Promise<Actor | undefined> => {
    const hash = hashToken(token);
    if (envHash && timingSafeEqual(envHash, Buffer.from(hash, "hex"))) {
      return { kind: "admin", id: "env", label: "env:ADMIN_TOKEN" };
    }
    const now = Date.now();
    const useCache = trusted();
    if (useCache) {
      const hit = cache.get(hash);
      if (hit && now - hit.at < ttl) return hit.actor;
      const missAt = unknown.get(hash);
      if (missAt !== undefined && now - missAt < negativeTtl) return undefined;
    }
    const started = generation;
    const row = await findActiveKeyByHash(options.db, hash);
    cache.delete(hash);
    if (!useCache || started !== generation) return row ? actorFromRow(row) : undefined;
    if (!row) {
      if (negativeTtl > 0) {
        if (unknown.size >= 10_000) unknown.clear();
        unknown.set(hash, now);
      }
      return undefined;
    }
    const actor = actorFromRow(row);
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, { actor, at: now });
    return actor;
  };

  const resolve = async (req: Request, needed: string, basic = false): Promise<Actor> => {
    const header = req.headers.authorization;
    const token = bearerToken(header) ?? (basic ? basicAuthToken(header) : undefined);
    const ip = clientIp(req);
    await options.limits?.checkAuthFailures(ip);
    if (!token) {
      const forms = basic
        ? '"Authorization: Bearer <token>" or HTTP basic auth with the token as user name and no password'
        : '"Authorization: Bearer <token>"';
      throw new AppError(401, "unauthorized", `missing ${needed}: send ${forms}`);
    }
    const actor = await authenticate(token);
    if (!actor) {
      await options.limits?.recordAuthFailure(ip);
      throw new AppError(401, "unauthorized", `unknown or revoked ${needed}`);
    }
    await options.limits?.consumeKey(actor.id);
    return actor;
  };

  return {
    authenticate,
    invalidate: () => {
      generation++;
      cache.clear();
      unknown.clear();
    },
    requireAdmin: async (req, res, next) => {
      const actor = await resolve(req, "admin token");
      if (actor.kind !== "admin")
        throw new AppError(403, "forbidden", "this endpoint needs an admin token, not an SDK key");
      res.locals.actor = actor;
      next();
    },
    requireSdkKey: async (req, res, next) => {
      res.locals.actor = await resolve(req, "SDK key");
      next();
    },
    requireSdkKeyOrBasic: async (req, res, next) => {
      res.locals.actor = await resolve(req, "SDK key", true);
      next();
    },
  };
}
