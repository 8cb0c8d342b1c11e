import { useQueryClient } from "@tanstack/react-query";
import { NavLink, Outlet } from "react-router";
import { endSession } from "../api/session.js";
import { ThemeToggle } from "../ui/theme-toggle.js";
import styles from "./app-shell.module.css";

const NAV = [
  { to: "/experiments", label: "Experiments" },
  { to: "/planner", label: "Planner" },
  { to: "/settings", label: "Settings" },
] as const;

/** Header (skip link, brand, navigation, theme, sign out) and the page in <main>. */
export function AppShell() {
  const queryClient = useQueryClient();
  return (
    <>
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main; the handler also moves focus there */}
      <a
        href="#main"
        className="skip-link"
        onClick={(e) => {
          // Browsers only move the focus start point on a fragment link; move focus itself.
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header className={styles.header}>
        <div className={styles.inner}>
          <NavLink to="/experiments" className={styles.brand}>
            <img src="/favicon.svg" alt="" width={24} height={24} />
            Splitlab
          </NavLink>
          <nav aria-label="Main" className={styles.nav}>
            <ul>
              {NAV.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    className={({ isActive }) => (isActive ? `${styles.link} ${styles.active}` : styles.link)}
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className={styles.actions}>
            <a className="btn btn-ghost" href="/api/docs" title="The rendered API reference (OpenAPI)">
              API reference
            </a>
            <ThemeToggle />
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                queryClient.clear();
                endSession("signed-out");
              }}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className={styles.main}>
        <Outlet />
      </main>
    </>
  );
}
