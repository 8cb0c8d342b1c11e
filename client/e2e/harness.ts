/**
 * End-to-end harness: the real compiled UI (built once per run if missing or stale), served by
 * the real server on a random port over a fresh database, driven by the Debian Chromium through
 * playwright-core. No browser is downloaded.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { startTestApp, type TestApp } from "../../server/test/test-app.js";
import { CLIENT_DIST, ensureClientBuild } from "../scripts/ensure-build.js";

/** The Debian package's binary (installed by .ci/run when missing). */
export const CHROMIUM = "/usr/bin/chromium";
/** Host name mapped to 127.0.0.1 inside the browser, to load the UI under a non-localhost name. */
export const OTHER_HOST = "ab.test";

/** Where the e2e run saves its screenshots (shown in the README). */
export const SCREENSHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

/** Builds the UI if needed and starts the real server serving it. */
export async function startUiServer(): Promise<TestApp> {
  await ensureClientBuild();
  return startTestApp({ clientDist: CLIENT_DIST });
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--host-resolver-rules=MAP ${OTHER_HOST} 127.0.0.1`,
    ],
  });
}

/** axe-core on the current page: fails with the list of serious or critical violations. */
export async function expectNoSeriousA11yViolations(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `${what}: serious/critical accessibility violations`).toEqual([]);
}

/**
 * Saves light and dark screenshots of the current page as docs/screenshots/<name>-{light,dark}.png
 * (the whole page, or with `fullPage: false` the viewport, e.g. under a modal dialog).
 */
export async function screenshotBothThemes(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Top of the page, nothing focused or hovered: the sticky header stays where it belongs.
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let transitions and deferred renders settle.
    await page.waitForTimeout(150);
    await page.screenshot({
      path: path.join(SCREENSHOTS, `${name}-${scheme}.png`),
      fullPage: options.fullPage ?? true,
    });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** Describes the focused element: "tag[role] name". */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    const label =
      el.getAttribute("aria-label") ??
      (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
      el.closest("label")?.textContent ??
      el.textContent ??
      "";
    const kind = el instanceof HTMLInputElement ? `input:${el.type}` : el.tagName.toLowerCase();
    return `${kind} ${label.replace(/\s+/g, " ").trim()}`;
  });
}

/** A new page of `context` whose console errors and page errors are appended to `problems`. */
export async function newWatchedPage(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return page;
}

/** Signs in at `baseUrl` with the admin token and waits for the experiments list. */
export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
}

/**
 * Presses Tab until focus leaves `<main>` after having entered it and checks that every
 * enabled control in it (links, buttons, inputs, selects, textareas) got focus; fails naming
 * those never reached.
 */
export async function expectKeyboardReachesEveryControl(
  page: Page,
  what: string,
  maxTabs = 400,
): Promise<void> {
  const total = await page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      "main a[href], main button:not([disabled]), main input:not([disabled]), main select:not([disabled]), main textarea:not([disabled])",
    );
    controls.forEach((el, i) => {
      el.dataset.kb = String(i);
    });
    return controls.length;
  });
  // Start where the skip link lands (the content), not after the last control clicked.
  await page.evaluate(() => document.getElementById("main")?.focus());
  const seen = new Set<string>();
  let entered = false;
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press("Tab");
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const radio = el instanceof HTMLInputElement && el.type === "radio" ? el.name : "";
      return { kb: el?.dataset.kb ?? null, inMain: !!el?.closest("main"), radio };
    });
    if (at.kb !== null) seen.add(at.kb);
    if (at.radio) {
      // The whole radio group is one stop: count its members as reached.
      const group = await page.evaluate(
        (name) =>
          [...document.querySelectorAll<HTMLElement>(`main input[type=radio][name="${name}"]`)].map(
            (r) => r.dataset.kb ?? "",
          ),
        at.radio,
      );
      for (const kb of group) seen.add(kb);
    }
    if (at.inMain) entered = true;
    else if (entered) break;
  }
  const missed = await page.evaluate(
    (reached) =>
      [...document.querySelectorAll<HTMLElement>("main [data-kb]")]
        .filter((el) => !reached.includes(el.dataset.kb ?? ""))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()} ${(el.getAttribute("aria-label") ?? el.textContent ?? el.id).trim().slice(0, 40)}`,
        ),
    [...seen],
  );
  expect(missed, `${what}: controls the keyboard never reached (${seen.size} of ${total} reached)`).toEqual(
    [],
  );
}
