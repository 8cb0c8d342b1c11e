import { useState, useSyncExternalStore } from "react";
import { applyTheme, storedTheme, type ThemeChoice } from "./theme.js";

const DARK_QUERY = "(prefers-color-scheme: dark)";

function subscribeSystem(onChange: () => void): () => void {
  if (typeof matchMedia !== "function") return () => {};
  const query = matchMedia(DARK_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

const systemIsDark = () => typeof matchMedia === "function" && matchMedia(DARK_QUERY).matches;

/**
 * A button that switches between light and dark (and remembers it). Until the user chooses, it
 * follows the system setting live; its label says what pressing it does.
 */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  const dark = useSyncExternalStore(subscribeSystem, systemIsDark, () => false);
  const current = choice === "system" ? (dark ? "dark" : "light") : choice;
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
