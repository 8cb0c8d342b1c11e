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
