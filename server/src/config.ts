import { z } from "zod";
import { DEFAULT_RATE_LIMITS } from "./limits.js";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

/** Empty variables (`RETENTION_DAYS=` in compose files) count as unset. */
const blankAsUnset = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** A non-negative integer of milliseconds (or a count) with a default; blank counts as unset. */
const nonNegativeInt = (fallback: number) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(0).default(fallback));

/** Environment variables the server reads (parsed once, in main.ts). */
export const configSchema = z.object({
  PORT: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: optionalString,
  DATA_DIR: z.preprocess(blankAsUnset, z.string().min(1).default("./data")),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    "must be a postgres:// or postgresql:// URL",
  ),
  ADMIN_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    "must be at least 16 characters",
  ),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  RETENTION_DAYS: z.preprocess(blankAsUnset, z.coerce.number().int().positive().optional()),
  CLIENT_DIST: optionalString,
  /** PostgreSQL: connect (or wait for a pooled connection) at most this long. */
  DB_CONNECT_TIMEOUT_MS: nonNegativeInt(2000),
  /** PostgreSQL: statement_timeout (server) and, 2 s later, the client read timeout. 0: none. */
  DB_STATEMENT_TIMEOUT_MS: nonNegativeInt(120_000),
  /** /healthz answers 503 when the database check takes longer (incl. waiting for table locks). */
  HEALTH_TIMEOUT_MS: nonNegativeInt(2000).refine((v) => v > 0, "must be positive"),
  /** Requests not answered within this answer 503 + Retry-After (results reports excepted). 0: off. */
  REQUEST_TIMEOUT_MS: nonNegativeInt(5000),
  /** SIGTERM: connections still busy after this are closed; exit comes 2 s later at the latest. */
  SHUTDOWN_GRACE_MS: nonNegativeInt(10_000),
  /** Rate limits (0: off), see limits.ts. */
  RATE_LIMIT_IP_PER_SECOND: nonNegativeInt(DEFAULT_RATE_LIMITS.ipPerSecond),
  RATE_LIMIT_KEY_PER_SECOND: nonNegativeInt(DEFAULT_RATE_LIMITS.keyPerSecond),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: nonNegativeInt(DEFAULT_RATE_LIMITS.authFailuresPerMinute),
  /** How long a found key / an unknown token is cached in process. */
  AUTH_CACHE_TTL_MS: nonNegativeInt(10_000),
  AUTH_NEGATIVE_CACHE_MS: nonNegativeInt(60_000),
  /** Express "trust proxy" (e.g. 1, or "loopback"): the client IP for rate limits comes from X-Forwarded-For. */
  TRUST_PROXY: optionalString,
});

/** Parsed configuration. */
export type Config = z.output<typeof configSchema>;

/** Parses an environment object; throws an Error naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  return result.data;
}
