import * as Tooltip from "@radix-ui/react-tooltip";
import type { ReactNode } from "react";

/** Props of {@link Explain}. */
export interface ExplainProps {
  /** The number (or short text) shown. */
  children: ReactNode;
  /** What it means, in words: shown on hover and on keyboard focus, read by screen readers. */
  explanation: ReactNode;
  /** Extra class on the trigger. */
  className?: string;
}

/**
 * A number with its explanation in words. The trigger is a real button, so Tab reaches it; the
 * explanation opens on hover and on focus (Radix Tooltip), closes with Escape, and is announced
 * as the trigger's description.
 *
 * @example <Explain explanation="Units exposed so far, all variants">12,345</Explain>
 */
export function Explain({ children, explanation, className }: ExplainProps) {
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <button type="button" className={["explain", className].filter(Boolean).join(" ")}>
          {children}
        </button>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="explain-content" side="top" sideOffset={6} collisionPadding={8}>
          {explanation}
          <Tooltip.Arrow className="explain-arrow" />
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

/** Wraps the app once: how fast explanations open, shared by every {@link Explain}. */
export function ExplainProvider({ children }: { children: ReactNode }) {
  return (
    <Tooltip.Provider delayDuration={250} skipDelayDuration={150}>
      {children}
    </Tooltip.Provider>
  );
}
