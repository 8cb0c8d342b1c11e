import { sampleSizeProportions, sequentialSampleSize } from "@splitlab/stats";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, type TestApp } from "../../server/test/test-app.js";
import {
  describeFocus,
  expectNoSeriousA11yViolations,
  launchBrowser,
  newWatchedPage,
  OTHER_HOST,
  screenshotBothThemes,
  signIn as signInAs,
  startUiServer,
} from "./harness.js";
import { seedExperiments } from "./seed.js";

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
/** Content-Security-Policy violations and page errors seen by any page. */
const problems: string[] = [];

const newPage = (): Promise<Page> => newWatchedPage(context, problems);

const signIn = (page: Page, token = TEST_ADMIN_TOKEN) => signInAs(page, app.url, token);

beforeAll(async () => {
  app = await startUiServer();
  await seedExperiments(app);
  browser = await launchBrowser();
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 860 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// Under a loaded machine (the full suite beside other work) one page flow has taken over 30 s.
describe("the UI in Chromium, served by the real server", { timeout: 90_000 }, () => {
  it("signs in: a wrong token gets a clear 401 message, the right one opens the list; sign out returns", async () => {
    const page = await newPage();
    await page.goto(`${app.url}/experiments`);
    // Not signed in: sent to the sign-in page.
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await expectNoSeriousA11yViolations(page, "sign-in");
    await screenshotBothThemes(page, "sign-in");

    await page.getByLabel("Admin token").fill("not-a-real-token-123456");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("does not accept this token (401)");

    await page.getByLabel("Admin token").fill(TEST_ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/experiments");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("You signed out");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.close();
  });

  it("a token revoked while signed in sends every page back to sign-in with the reason", async () => {
    const created = await app.request("POST", "/api/v1/keys", { body: { kind: "admin", name: "e2e-temp" } });
    expect(created.status).toBe(201);
    const page = await newPage();
    await signIn(page, created.body.token);
    expect((await app.request("POST", `/api/v1/keys/${created.body.id}/revoke`)).status).toBe(200);
    // The next API call answers 401 and the app returns to sign-in: the list's own refetch may
    // already do it (the shell is then gone at once), else the reload does.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("status").textContent()).toContain("rejected the admin token (401)");
    await page.close();
  });

  it("lists experiments with status detail, days, units, lift and SRM from each report", async () => {
    const page = await newPage();
    await signIn(page);
    const row = (name: string) => page.getByRole("row").filter({ hasText: name });
    await expect.poll(() => row("New checkout flow").textContent(), { timeout: 30_000 }).toContain("Better");
    const checkout = (await row("New checkout flow").textContent()) ?? "";
    expect(checkout).toContain("Ship treatment");
    expect(checkout).toContain("8,000");
    expect(checkout).toContain("12");
    await expect.poll(() => row("Homepage banner").textContent(), { timeout: 30_000 }).toContain("Mismatch");
    expect(await row("Pricing page copy").textContent()).toContain("Not started");
    expect(await row("Search ranking v2").textContent()).toContain("Shipped treatment");

    // Hovering or focusing a number explains it in words.
    await row("New checkout flow").getByRole("button", { name: "8,000" }).focus();
    await expect
      .poll(() => page.getByRole("tooltip").textContent())
      .toContain("Units (users) exposed so far");
    await page.keyboard.press("Escape");

    // Tabs and search live in the URL.
    await page.getByRole("link", { name: /^Drafts/ }).click();
    await expect.poll(() => page.url()).toContain("tab=draft");
    await expect.poll(() => page.getByRole("row").count()).toBe(2); // header + the draft
    await page.getByRole("link", { name: /^All/ }).click();
    await page.getByLabel("Search experiments by name or key").fill("banner");
    await expect.poll(() => page.getByRole("row").count()).toBe(2);
    await page.getByLabel("Search experiments by name or key").fill("");

    // Sorting by lift, largest first.
    await page.getByRole("button", { name: "Primary metric lift" }).click();
    await expect.poll(() => page.url()).toContain("sort=lift");
    await expect.poll(() => page.getByRole("row").nth(1).textContent()).toContain("New checkout flow");

    // CSV export of the list.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csvPath = await download.path();
    const { readFileSync } = await import("node:fs");
    const csv = readFileSync(csvPath, "utf8");
    expect(csv.split("\r\n")[0]).toContain("key,name,status,status_detail,days_running,units");
    expect(csv).toContain(
      "new-checkout,New checkout flow,running,Ship treatment,12,8000,purchased,treatment",
    );

    await expectNoSeriousA11yViolations(page, "experiments list");
    await page.goto(`${app.url}/experiments`);
    await expect.poll(() => row("Homepage banner").textContent(), { timeout: 30_000 }).toContain("Mismatch");
    await screenshotBothThemes(page, "experiments");
    await page.close();
  });

  it("plans a test: typed values give the stats library's numbers, sequential shows its cost", async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Planner" }).click();
    await page.getByRole("heading", { name: "Plan a test" }).waitFor();
    // 4 (a percent) and 0.1 (a fraction) are both read by the rule: 4 % and 10 %.
    await page.getByRole("textbox", { name: "Baseline rate" }).fill("4");
    await page.getByRole("textbox", { name: "Minimum detectable effect" }).fill("0.1");
    await page.getByRole("textbox", { name: "Units per day" }).fill("2,000");
    await page.getByRole("textbox", { name: "Coverage" }).fill("50 %");
    const expected = sampleSizeProportions({ baselineRate: 0.04, mde: 0.1, alpha: 0.05, power: 0.8 });
    if (expected.status !== "ok") throw new Error("reference plan failed");
    const days = Math.ceil(expected.total / 1000);
    await expect
      .poll(() => page.getByTestId("per-variant").textContent())
      .toBe(expected.perVariant.toLocaleString("en-US"));
    expect(await page.getByTestId("total").textContent()).toBe(expected.total.toLocaleString("en-US"));
    expect(await page.getByTestId("days").textContent()).toBe(String(days));
    expect(await page.getByTestId("run-sentence").textContent()).toBe(`Run at least ${days} days.`);
    expect(await page.getByText("Read as 4 %").count()).toBe(1);
    expect(new URL(page.url()).searchParams.get("baseline")).toBe("0.04");

    await page.getByLabel(/Sequential/).check();
    const seq = sequentialSampleSize({ baselineRate: 0.04, mde: 0.1, alpha: 0.05, power: 0.8 });
    if (seq.status !== "ok") throw new Error("reference sequential plan failed");
    await expect
      .poll(() => page.getByTestId("per-variant").textContent())
      .toBe(seq.perVariant.toLocaleString("en-US"));
    expect(await page.getByTestId("sequential-cost").textContent()).toContain(
      `×${seq.inflation.toLocaleString("en-US", { maximumFractionDigits: 2 })} the units`,
    );
    // The chart states its numbers for screen readers.
    // The chart is a deferred render: it follows the headline figures a moment later.
    const chart = page.getByRole("img", { name: /Days needed against the minimum detectable effect/ });
    await expect
      .poll(() => chart.getAttribute("aria-label"))
      .toContain(`${Math.ceil(seq.total / 1000)} days sequential`);

    await expectNoSeriousA11yViolations(page, "planner");
    await screenshotBothThemes(page, "planner");

    await page.getByRole("button", { name: "Use this plan" }).click();
    await page.getByRole("heading", { name: "New experiment" }).waitFor();
    const planned = (await page.getByTestId("planned").textContent()) ?? "";
    expect(planned).toContain(seq.perVariant.toLocaleString("en-US"));
    expect(planned).toContain("50.0% / 50.0%");
    await page.close();
  });

  it("keyboard alone reaches the navigation and every planner control in order", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${app.url}/planner`);
    await page.getByRole("heading", { name: "Plan a test" }).waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      seen.push(await describeFocus(page));
    }
    const order = [
      "a Skip to content",
      "a Splitlab",
      "a Experiments",
      "a Planner",
      "a Settings",
      "a API reference",
      "button Switch to dark theme",
      "button Sign out",
      "input:radio Conversion rate",
      "input:text Baseline rate",
      "input:radio Relative",
      "input:text Minimum detectable effect",
      "input:text Significance (alpha)",
      "input:text Power",
      "input:text Variants",
      "input:text Units per day",
      "input:text Coverage",
      "input:checkbox Sequential",
      "input:checkbox Correct for multiple comparisons",
      "button Use this plan",
    ];
    let at = -1;
    for (const want of order) {
      const found = seen.findIndex((s, i) => i > at && s.startsWith(want));
      expect(
        found,
        `Tab order reaches "${want}" after "${seen[at] ?? "start"}"; saw: ${seen.join(" | ")}`,
      ).toBeGreaterThan(at);
      at = found;
    }
    // The skip link moves focus to the content.
    await page.goto(`${app.url}/planner`);
    await page.getByRole("heading", { name: "Plan a test" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await describeFocus(page)).toBe("a Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.close();
  });

  it(`renders over plain HTTP under a non-localhost name (http://${OTHER_HOST}:PORT/)`, async () => {
    const page = await newPage();
    const port = new URL(app.url).port;
    const response = await page.goto(`http://${OTHER_HOST}:${port}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 15_000 });
    await page.getByLabel("Admin token").fill(TEST_ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Experiments", level: 1 }).waitFor();
    await page.close();
  });

  it("creates an experiment in the editor, starts it, and creates + revokes an SDK key", async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${app.url}/experiments/new`);
    await page.getByRole("heading", { name: "New experiment" }).waitFor();
    await page.getByLabel("Key", { exact: true }).fill("e2e-editor");
    await page.getByLabel("Name", { exact: true }).fill("E2E editor");
    await page.getByLabel("Variant 1 weight").fill("0.9");
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByText(/weights must sum to 1/).waitFor();
    await expectNoSeriousA11yViolations(page, "editor");
    await screenshotBothThemes(page, "editor");
    await page.getByRole("button", { name: "Equal split" }).click();
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByRole("heading", { name: "E2E editor", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByRole("button", { name: "Start experiment" }).click();
    await page.getByText(/locked while it runs/).waitFor();
    await expectNoSeriousA11yViolations(page, "experiment detail");
    await screenshotBothThemes(page, "experiment");

    await page.goto(`${app.url}/settings`);
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    await page.getByLabel("Key name").fill("e2e web");
    await page.getByRole("button", { name: "Create key" }).click();
    expect(await page.getByTestId("new-token").textContent()).toMatch(/^sdk_/);
    await page.getByRole("button", { name: "Revoke e2e web" }).click();
    await page.getByRole("button", { name: "Revoke key" }).click();
    await page
      .getByText(/^revoked /)
      .first()
      .waitFor();
    await expectNoSeriousA11yViolations(page, "settings");
    await screenshotBothThemes(page, "settings");
    await page.close();
  }, 120_000);

  it("no page logged an error or a Content-Security-Policy violation", () => {
    // The wrong-token and revoked-token checks answer 401 on purpose; the browser logs those.
    // Over plain HTTP under ab.test Chromium says it ignores helmet's Cross-Origin-Opener-Policy
    // (it only applies to trustworthy origins); that is a notice, not a failure of the page.
    const unexpected = problems.filter(
      (p) => !/401 \(Unauthorized\)/.test(p) && !/Cross-Origin-Opener-Policy header has been ignored/.test(p),
    );
    expect(unexpected).toEqual([]);
  });
});
