import type { ReactNode } from "react";

/** Content for screen readers only (tables behind charts, extra words for icons). */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}
