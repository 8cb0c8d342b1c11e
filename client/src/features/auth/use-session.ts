import { useSyncExternalStore } from "react";
import { getSession, subscribeSession } from "../../api/session.js";

/** The current session (token and why it last ended), re-rendering on every change. */
export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}
