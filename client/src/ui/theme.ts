/**
 * Light / dark theme: by default the page follows the system (`prefers-color-scheme`); the toggle
 * stores an explicit choice in localStorage and sets `data-theme` on <html>.
 */

/** What the user chose. */
export type ThemeChoice = "system" | "light" | "dark";

const KEY = "splitlab.theme";

/** The stored choice, "system" when none. */
export function storedTheme(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === "light" || v === "dark" ? v : "system";
  } catch {
    return "system";
  }
}

/** Applies a choice to the document (and stores it). */
export function applyTheme(choice: ThemeChoice, store = true): void {
  const root = document.documentElement;
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
  if (!store) return;
  try {
    if (choice === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}
