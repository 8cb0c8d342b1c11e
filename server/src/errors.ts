import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";

/** Every error code the API answers with. */
export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "internal",
  "unavailable",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

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
  ) {
    super(message);
    this.name = "AppError";
  }
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
function postgresErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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
 * body-parser errors -> 400/413, anything else -> 500 (logged, message hidden).
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
  } else {
    const e = (err ?? {}) as HttpishError;
    const status = e.status ?? e.statusCode;
    if (e.type === "entity.too.large" || status === 413) {
      appError = new AppError(413, "payload_too_large", "request body is too large");
    } else if (e.type === "entity.parse.failed") {
      appError = new AppError(400, "bad_request", "request body is not valid JSON");
    } else if (typeof status === "number" && status >= 400 && status < 500 && e.expose) {
      appError = new AppError(status, "bad_request", e.message ?? "bad request");
    } else {
      req.log?.error({ err }, "unhandled error");
      appError = new AppError(500, "internal", "internal server error");
    }
  }
  if (res.headersSent) return;
  const body: ErrorBody = { error: { code: appError.code, message: appError.message } };
  if (appError.details !== undefined) body.error.details = appError.details;
  res.status(appError.status).json(body);
};
