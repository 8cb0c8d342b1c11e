import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "./db.js";

/** Seconds a client is told to wait (`Retry-After`) after a 503 or 429 without its own value. */
export const RETRY_AFTER_SECONDS = 2;

import type { ErrorCode } from "./error-codes.js";

export { ERROR_CODES, type ErrorCode } from "./error-codes.js";

/** Body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * The one error type services throw. The error middleware turns it into
 * `{ error: { code, message, details? } }` with `status`.
 *
 * @example
 * throw new AppError(409, "conflict", "weights of a running experiment cannot change");
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Seconds for `Retry-After` (503 and 429 default to {@link RETRY_AFTER_SECONDS}). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** The 503 every request answers while the database is unreachable, stalled or locked. */
export function databaseUnavailable(): AppError {
  return new AppError(503, "unavailable", "the database is unavailable right now; retry later");
}

/** Shorthand for a 404 naming what was not found. */
export function notFound(what: string): AppError {
  return new AppError(404, "not_found", `${what} not found`);
}

/** A zod issue as reported to clients: the field path joined with dots. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Converts a ZodError into field-named issues and a one-line message. */
export function describeZodError(
  error: ZodError,
  prefix?: string,
): { message: string; issues: FieldIssue[] } {
  const issues = error.issues.map((issue) => {
    const parts = prefix ? [prefix, ...issue.path.map(String)] : issue.path.map(String);
    return { path: parts.join(".") || "(root)", message: issue.message };
  });
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return { message, issues };
}

/** Turns a ZodError into a 400 AppError naming the field paths. */
export function validationError(error: ZodError, prefix?: string): AppError {
  const { message, issues } = describeZodError(error, prefix);
  return new AppError(400, "validation_failed", message, { issues });
}

/** A 400 for one field, in the same shape as zod validation errors. */
export function fieldError(path: string, message: string): AppError {
  return new AppError(400, "validation_failed", `${path}: ${message}`, { issues: [{ path, message }] });
}

/** SQLSTATE of a PostgreSQL error, also when drizzle wrapped it (`cause`). */
export function postgresErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Whose fault a failed statement is: `data` (SQLSTATE class 22 data exception, 23 integrity
 * violation, 54 program limit: the same statement fails again with the same values),
 * `outage` (no SQLSTATE, i.e. the connection failed; class 08 connection, 40 serialization or
 * deadlock, 53 resources, 55P03 lock timeout, 57 shutdown/cancel, 58 system: retrying later
 * may succeed) or `other` (a bug, e.g. class 42 or XX).
 */
export function storageErrorKind(err: unknown): "data" | "outage" | "other" {
  const code = postgresErrorCode(err);
  if (code === undefined) return "outage";
  const cls = code.slice(0, 2);
  if (cls === "22" || cls === "23" || cls === "54") return "data";
  if (["08", "40", "53", "57", "58"].includes(cls) || code === "55P03") return "outage";
  return "other";
}

/**
 * What may be logged about an error: drizzle's query errors carry the SQL and every
 * parameter (event data, unit ids) in `message`, and PostgreSQL messages quote values, so
 * database errors are reduced to their SQLSTATE, constraint and table; others keep their
 * name, message and stack.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  const code = postgresErrorCode(err);
  const name = err instanceof Error ? err.name : typeof err;
  if (code !== undefined || name === "DrizzleQueryError") {
    let pg: { constraint?: unknown; table?: unknown } = {};
    for (let e = err, depth = 0; e && typeof e === "object" && depth < 3; depth++) {
      if ((e as { code?: unknown }).code === code) pg = e as typeof pg;
      e = (e as { cause?: unknown }).cause;
    }
    return {
      type: "DatabaseError",
      sqlstate: code,
      ...(typeof pg.constraint === "string" ? { constraint: pg.constraint } : {}),
      ...(typeof pg.table === "string" ? { table: pg.table } : {}),
    };
  }
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  return { type: name };
}

/** Shape of body-parser errors we translate (bad JSON, too large). */
interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/**
 * The one error middleware: AppError as-is, ZodError -> 400 naming the field,
 * body-parser errors -> 400/413, a value PostgreSQL refuses (SQLSTATE class 22) -> 400,
 * database outages (refused, timed out, locked) -> 503 with `Retry-After`,
 * anything else -> 500 (logged without SQL parameters, message hidden).
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  let appError: AppError;
  const pgCode = postgresErrorCode(err);
  if (err instanceof AppError) appError = err;
  else if (err instanceof ZodError) appError = validationError(err);
  else if (pgCode === "23505") {
    // A concurrent request created the same key between our check and our insert.
    appError = new AppError(409, "conflict", "already exists (created concurrently)");
  } else if (pgCode === "40001" || pgCode === "40P01") {
    appError = new AppError(409, "conflict", "conflicting concurrent change, retry the request");
  } else if (pgCode?.startsWith("22")) {
    // A value the database refuses (validation should have caught it): the client's data.
    appError = new AppError(400, "bad_request", `a value could not be stored (SQLSTATE ${pgCode})`);
  } else if (isDatabaseUnavailable(err)) {
    req.log?.warn({ err: loggableError(err) }, "database unavailable");
    appError = databaseUnavailable();
  } else {
    const e = (err ?? {}) as HttpishError;
    const status = e.status ?? e.statusCode;
    if (e.type === "entity.too.large" || status === 413) {
      appError = new AppError(413, "payload_too_large", "request body is too large");
    } else if (err instanceof URIError && status === 400) {
      // The router could not decode a path parameter (e.g. %ED%A0%80, a surrogate in UTF-8).
      appError = new AppError(400, "bad_request", "a path parameter is not valid percent-encoded UTF-8");
    } else if (e.type === "entity.parse.failed") {
      appError = new AppError(400, "bad_request", "request body is not valid JSON");
    } else if (typeof status === "number" && status >= 400 && status < 500 && e.expose) {
      appError = new AppError(status, "bad_request", e.message ?? "bad request");
    } else {
      req.log?.error({ err: loggableError(err) }, "unhandled error");
      appError = new AppError(500, "internal", "internal server error");
    }
  }
  if (res.headersSent) return;
  if (appError.status === 503 || appError.status === 429) {
    res.setHeader("Retry-After", String(appError.retryAfterSeconds ?? RETRY_AFTER_SECONDS));
  }
  const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.details !== undefined) body.error.details = appError.details;
  res.status(appError.status).json(body);
};
