import type { Request, RequestHandler } from "express";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError, databaseUnavailable } from "./errors.js";

/** Rate limits (per process, in memory; 0 turns a limit off). */
export interface RateLimitSettings {
  /** Requests per second from one client IP to `/api` and `/healthz` (RATE_LIMIT_IP_PER_SECOND). */
  ipPerSecond: number;
  /** Requests per second with one SDK key or admin token (RATE_LIMIT_KEY_PER_SECOND). */
  keyPerSecond: number;
  /** Failed authentications (unknown, revoked or malformed token) per minute from one IP (RATE_LIMIT_AUTH_FAILURES_PER_MINUTE). */
  authFailuresPerMinute: number;
}

/** Defaults of the server process: far above what one SDK or one person at the UI sends, far below abuse. */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  ipPerSecond: 2000,
  keyPerSecond: 1000,
  authFailuresPerMinute: 60,
};

/** Every limit off (`createApp` without `rateLimits`: tests and benchmarks). */
export const NO_RATE_LIMITS: RateLimitSettings = {
  ipPerSecond: 0,
  keyPerSecond: 0,
  authFailuresPerMinute: 0,
};

/** The limiters the app applies (see {@link createRateLimits}). */
export interface RateLimits {
  /** Middleware: 429 + Retry-After once an IP exceeds `ipPerSecond`. */
  perIp: RequestHandler;
  /** Counts one request for a key; throws a 429 AppError once it exceeds `keyPerSecond`. */
  consumeKey: (keyId: string) => Promise<void>;
  /** Throws a 429 when this IP already failed authentication too often (checked before any look-up). */
  checkAuthFailures: (ip: string) => Promise<void>;
  /** Counts one failed authentication for this IP. */
  recordAuthFailure: (ip: string) => Promise<void>;
}

function tooMany(what: string, res: RateLimiterRes): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError(429, "rate_limited", `too many ${what}; retry in ${seconds} s`, undefined, seconds);
}

/** The IP a request came from (`trust proxy` decides whether X-Forwarded-For counts). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

/**
 * Fixed-window limiters from `rate-limiter-flexible` (RateLimiterMemory): per IP, per key and
 * for failed authentications per IP. Limits are per process: behind N processes an IP gets up
 * to N times the limit.
 *
 * @example
 * const limits = createRateLimits({ ipPerSecond: 100, keyPerSecond: 50, authFailuresPerMinute: 10 });
 * app.use("/api", limits.perIp);
 */
export function createRateLimits(settings: RateLimitSettings): RateLimits {
  const ip =
    settings.ipPerSecond > 0 ? new RateLimiterMemory({ points: settings.ipPerSecond, duration: 1 }) : null;
  const key =
    settings.keyPerSecond > 0 ? new RateLimiterMemory({ points: settings.keyPerSecond, duration: 1 }) : null;
  const failures =
    settings.authFailuresPerMinute > 0
      ? new RateLimiterMemory({ points: settings.authFailuresPerMinute, duration: 60 })
      : null;

  const consume = async (limiter: RateLimiterMemory | null, id: string, what: string) => {
    if (!limiter) return;
    try {
      await limiter.consume(id);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(what, rejection);
      throw rejection;
    }
  };

  return {
    perIp: (req, _res, next) => {
      consume(ip, clientIp(req), "requests from this address").then(() => next(), next);
    },
    consumeKey: (keyId) => consume(key, keyId, "requests with this key"),
    checkAuthFailures: async (address) => {
      if (!failures) return;
      const state = await failures.get(address);
      if (state && state.consumedPoints >= settings.authFailuresPerMinute) {
        throw tooMany("failed authentications from this address", state);
      }
    },
    recordAuthFailure: async (address) => {
      if (!failures) return;
      await failures.penalty(address, 1);
    },
  };
}

/**
 * Answers 503 + Retry-After when a request has not been answered within `ms` (a stalled or
 * overloaded database), unless `exclude(req)` (long reports). The handler keeps running; what
 * it sends later is dropped. Ingestion is idempotent on event ids, so a client retrying after
 * such a 503 never double counts, even if its rows were committed meanwhile.
 */
export function requestDeadline(ms: number, exclude: (req: Request) => boolean): RequestHandler {
  return (req, res, next) => {
    if (ms <= 0 || exclude(req)) {
      next();
      return;
    }
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const error = databaseUnavailable();
      res.setHeader("Retry-After", "2");
      res.status(503).json({ error: { code: error.code, message: error.message } });
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.on("finish", clear);
    res.on("close", clear);
    next();
  };
}
