/**
 * The typed API client: `fetch` on the same origin with the session's admin token, JSON in and
 * out, errors as {@link ApiError}. A 401 from any call ends the session (the app then shows the
 * sign-in page with "your token was rejected").
 */
import { endSession, getSession } from "./session.js";
import type { ErrorBody } from "./types.js";

/** An API error: HTTP status, the server's error code and message (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Options of {@link apiFetch}. */
export interface ApiRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Use this token instead of the session's (sign-in checks a candidate token). */
  token?: string;
  /** Do not end the session on 401 (sign-in handles it itself). */
  keepSessionOn401?: boolean;
}

let baseUrl = "";

/** Prefix for every path (tests point the client at a server on another port). Default: same origin. */
export function setApiBaseUrl(url: string): void {
  baseUrl = url.replace(/\/$/, "");
}

function isErrorBody(x: unknown): x is ErrorBody {
  return (
    typeof x === "object" && x !== null && "error" in x && typeof (x as ErrorBody).error?.message === "string"
  );
}

/** Sends one request to the API; resolves with the parsed JSON body or throws {@link ApiError}. */
export async function apiFetch<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const token = request.token ?? getSession().token;
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(baseUrl + path, {
      method: request.method ?? "GET",
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "The server cannot be reached. Is it running?");
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !request.keepSessionOn401) endSession("rejected");
    if (isErrorBody(body)) {
      throw new ApiError(response.status, body.error.code, body.error.message, body.error.details);
    }
    throw new ApiError(response.status, "http_error", `The server answered ${response.status}.`);
  }
  return body as T;
}
