import { useState } from "react";
import { applyTheme, effectiveTheme, storedTheme, type ThemeChoice } from "./theme.js";

/** A button that switches between light and dark (and remembers it); its label says what it does. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const current = effectiveTheme(choice);
  const next = current === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      className="btn btn-ghost theme-toggle"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setChoice(next);
      }}
    >
      <span aria-hidden="true">{current === "dark" ? "☀" : "☾"}</span>
      <span className="theme-toggle-text">{next === "dark" ? "Dark" : "Light"}</span>
    </button>
  );
}
