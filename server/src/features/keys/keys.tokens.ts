import { createHash, randomBytes } from "node:crypto";
import type { KeyKind } from "./keys.table.js";

/** sha-256 hex of a token: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Generates a token: `sdk_<random>` (public, per environment) or `adm_<random>` (secret),
 * 32 random bytes in base64url.
 */
export function generateToken(kind: KeyKind): string {
  return `${kind === "sdk" ? "sdk" : "adm"}_${randomBytes(32).toString("base64url")}`;
}

/** Short random id of a key row. */
export function generateKeyId(): string {
  return randomBytes(9).toString("base64url");
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Reads HTTP basic auth whose user name is the token and whose password is empty or absent:
 * `Authorization: Basic base64("<token>:")`, the way Segment sends its write key. Undefined
 * when absent, malformed, or when a password is given (the token is never split over both).
 */
export function basicAuthToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  const password = colon === -1 ? "" : decoded.slice(colon + 1);
  if (password !== "" || !/^\S+$/.test(user)) return undefined;
  return user;
}
