import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "./use-session.js";

/** Renders its children when signed in; otherwise sends to /sign-in, remembering where to return. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { token } = useSession();
  const location = useLocation();
  if (!token) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return children;
}
