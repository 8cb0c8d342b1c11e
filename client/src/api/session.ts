/**
 * The admin token of this browser tab: kept in sessionStorage (gone when the tab closes, never
 * sent to another origin), observable so React re-renders on sign in / sign out / a 401.
 */

const KEY = "splitlab.adminToken";

/** Why the session ended, shown on the sign-in page. */
export type SignedOutReason = "signed-out" | "rejected";

interface SessionState {
  token: string | null;
  reason: SignedOutReason | null;
}

let state: SessionState = { token: readToken(), reason: null };
const listeners = new Set<() => void>();

function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the token lives in memory only
  }
}

function set(next: SessionState): void {
  state = next;
  try {
    if (next.token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, next.token);
  } catch {
    // storage disabled: keep the in-memory state
  }
  for (const listener of listeners) listener();
}

/** The current session (stable object between changes, for useSyncExternalStore). */
export function getSession(): SessionState {
  return state;
}

/** Calls `listener` after every change; returns the unsubscribe function. */
export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Stores a verified token. */
export function startSession(token: string): void {
  set({ token, reason: null });
}

/** Forgets the token; `reason` says why on the sign-in page. */
export function endSession(reason: SignedOutReason): void {
  if (state.token === null && state.reason === reason) return;
  set({ token: null, reason });
}
