import { ApiError, apiFetch } from "../../api/client.js";
import type { ExperimentList } from "../../api/types.js";

/** Outcome of checking a candidate admin token against the server. */
export type TokenCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks a token with a cheap admin-only call (the experiments list): 401 unknown/revoked,
 * 403 an SDK key, 0 server unreachable. The message says what to do in each case.
 */
export async function checkAdminToken(token: string): Promise<TokenCheck> {
  try {
    await apiFetch<ExperimentList>("/api/v1/experiments?status=draft", { token, keepSessionOn401: true });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) {
      return {
        ok: false,
        message:
          "The server does not accept this token (401): it is unknown or was revoked. Check for a typo or ask for a new admin token.",
      };
    }
    if (error.status === 403) {
      return {
        ok: false,
        message:
          "This is an SDK key (403). SDK keys only read the SDK config and send events; sign in with an admin token.",
      };
    }
    return { ok: false, message: error.status === 0 ? error.message : `Sign-in failed: ${error.message}` };
  }
}
