import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, type TestApp } from "../../server/test/test-app.js";
import {
  describeFocus,
  expectNoSeriousA11yViolations,
  launchBrowser,
  newWatchedPage,
  screenshotBothThemes,
  signIn as signInAs,
  startUiServer,
} from "./harness.js";
import { createResultMetrics, seedResultsExperiment } from "./results-seed.js";

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

const newPage = (): Promise<Page> => newWatchedPage(context, problems);

const signIn = (page: Page) => signInAs(page, app.url, TEST_ADMIN_TOKEN);

async function openResults(page: Page, key: string, search = ""): Promise<void> {
  await page.goto(`${app.url}/experiments/${key}/results${search}`);
  await page.getByTestId("recommendation").waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  app = await startUiServer();
  await createResultMetrics(app);
  // Three variants, sequential, four metrics: "fast" converts at 13 % against 10 %.
  await seedResultsExperiment(app, {
    key: "checkout-v3",
    name: "Checkout v3",
    hypothesis: "A faster checkout page makes more visitors buy.",
    variants: ["control", "fast", "bold"],
    units: 9000,
    days: 14,
    purchaseRates: [0.1, 0.13, 0.102],
    metrics: 4,
    primaries: 1,
    sequential: true,
  });
  // Two variants; 60 % of the treatment's mobile units never log an exposure.
  await seedResultsExperiment(app, {
    key: "banner-skew",
    name: "Homepage banner",
    variants: ["control", "treatment"],
    units: 8000,
    days: 6,
    purchaseRates: [0.1, 0.1],
    metrics: 1,
    dropMobileShare: 0.6,
  });
  browser = await launchBrowser();
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// Under a loaded machine (the full suite beside other work) one page flow has taken over 30 s.
describe("the results page in Chromium, against the real server", { timeout: 90_000 }, () => {
  it("opens a winning experiment: ship fast, its verdict reads Better, numbers explain themselves", async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole("link", { name: "Checkout v3" }).click();
    await page.getByTestId("recommendation").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("recommendation").textContent()).toContain("Ship fast");

    // The report the page read, for the expected figures.
    const report = (await app.request("GET", "/api/v1/experiments/checkout-v3/results")).body;
    const purchased = report.metrics.find((m: { metric: string }) => m.metric === "purchased");
    const fast = purchased.comparisons.find((c: { variant: string }) => c.variant === "fast");
    expect(fast.direction).toBe("better");
    const row = page.getByTestId("score-purchased:fast");
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("↑ Better");
    // Relative lift with one decimal, as formatLift writes it.
    const lift = `+${(fast.relative.estimate * 100).toFixed(1)}%`;
    expect(text).toContain(lift);
    expect(await page.getByTestId("score-purchased:bold").textContent()).toContain("Inconclusive");
    // The verdict's colour is the "better" blue (light theme), and an arrow and a word go with it.
    const color = await row.locator(".verdict").evaluate((el) => getComputedStyle(el).color);
    expect(color).toBe("rgb(0, 114, 178)");

    // Focus on the lift explains it in words.
    await row.getByRole("button", { name: new RegExp(lift.replace("+", "\\+")) }).focus();
    await expect.poll(() => page.getByRole("tooltip").textContent()).toContain("higher than control");
    await page.keyboard.press("Escape");

    // Absolute view in the URL: rates in percentage points, always-valid interval drawn.
    await page.getByRole("button", { name: "Absolute" }).click();
    await expect.poll(() => page.url()).toContain("diff=absolute");
    await expect.poll(() => row.textContent()).toContain(`+${(fast.absolute.estimate * 100).toFixed(2)} pp`);
    const bar = row.getByRole("img");
    expect(await bar.getAttribute("aria-label")).toContain("always-valid interval");

    // Power from the report (below 10 % with more decimals); another effect to detect goes to the
    // server and into the URL.
    const shown = (x: number) =>
      x < 0.1 ? `${(x * 100).toFixed(x >= 0.01 ? 1 : x >= 0.001 ? 2 : 3)}%` : `${Math.round(x * 100)}%`;
    expect(await page.getByTestId("power").textContent()).toBe(
      `${shown(report.power.achieved)} to detect 5.0%`,
    );
    await page.getByLabel("Effect to detect (relative)").fill("30");
    await page.getByRole("button", { name: "Recompute" }).click();
    await expect.poll(() => page.url()).toContain("mde=0.3");
    const at30 = (await app.request("GET", "/api/v1/experiments/checkout-v3/results?mde=0.3")).body;
    expect(at30.power.achieved).toBeGreaterThan(report.power.achieved);
    await expect
      .poll(() => page.getByTestId("power").textContent())
      .toBe(`${shown(at30.power.achieved)} to detect 30.0%`);

    // Charts state their numbers.
    expect(await page.getByRole("img", { name: /New units per day by variant over/ }).count()).toBe(1);
    expect(
      await page.getByRole("img", { name: /Cumulative absolute lift of fast against control/ }).count(),
    ).toBe(1);

    // CSV export of the scorecard.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    const csv = readFileSync(await download.path(), "utf8").split("\r\n");
    expect(csv[0]).toContain("segment,metric,metric_name,kind,type,good_direction,variant,control");
    const line = csv.find((l) =>
      l.startsWith("all,purchased,Purchased,primary,binomial,increase,fast,control"),
    );
    expect(line).toBeDefined();
    expect(line).toContain(String(fast.absolute.estimate));
    expect(line?.endsWith(",true,better")).toBe(true);

    await expectNoSeriousA11yViolations(page, "results (absolute)");
    await page.close();
  });

  it("shows the SRM banner for a skewed split, and the breakdown flags only the broken segment", async () => {
    const page = await newPage();
    await signIn(page);
    await openResults(page, "banner-skew");
    expect(await page.getByTestId("recommendation").textContent()).toContain("Investigate");
    const banner = page.getByRole("alert").filter({ hasText: "Sample ratio mismatch" });
    await banner.waitFor();
    const report = (await app.request("GET", "/api/v1/experiments/banner-skew/results")).body;
    const bannerText = (await banner.textContent()) ?? "";
    expect(bannerText).toContain("do not trust these results");
    expect(bannerText).toContain(report.srm.observed[1].toLocaleString("en-US"));
    expect(bannerText).toContain("Likely causes");

    await page.getByLabel("By exposure attribute").selectOption("device");
    await expect.poll(() => page.url()).toContain("dimension=device");
    const mobile = page.getByTestId("segment-mobile");
    await mobile.waitFor({ timeout: 30_000 });
    expect(await mobile.locator("summary").first().textContent()).toContain("Sample ratio mismatch");
    expect(await page.getByTestId("segment-desktop").locator("summary").first().textContent()).toContain(
      "Split as planned",
    );
    await mobile.locator("summary").first().click();
    expect(await mobile.getByRole("alert").textContent()).toContain(
      "Sample ratio mismatch in device = mobile",
    );
    await expectNoSeriousA11yViolations(page, "results with SRM and breakdown");
    await page.close();
  });

  it("keyboard alone reaches the refresh button, the toggles, every number and the breakdown", async () => {
    const page = await newPage();
    await signIn(page);
    await openResults(page, "checkout-v3");
    const seen: string[] = [];
    for (let i = 0; i < 90; i++) {
      await page.keyboard.press("Tab");
      seen.push(await describeFocus(page));
    }
    const order = [
      "a ← Experiments",
      "select Environment",
      "button Export CSV",
      "button Refresh",
      "button Relative",
      "button Absolute",
      "button 10.0%", // the baseline of the first row
      "button ↑ Better",
      "button Per day",
      "button Cumulative",
      "select",
    ];
    let at = -1;
    for (const want of order) {
      const found = seen.findIndex((s, i) => i > at && s.startsWith(want));
      expect(
        found,
        `Tab reaches "${want}" after "${seen[at] ?? "start"}"; saw: ${seen.join(" | ")}`,
      ).toBeGreaterThan(at);
      at = found;
    }
    // Enter on a focused toggle switches the view.
    await page.getByRole("button", { name: "Cumulative" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toContain("cumulative=1");
    await page.close();
  });

  it("the environment selector keeps the environment in the URL; staging shows staging's traffic only", async () => {
    const page = await newPage();
    await signIn(page);
    await openResults(page, "checkout-v3");
    const select = page.getByLabel("Environment");
    expect(await select.inputValue()).toBe("production");
    expect(await page.getByTestId("report-environment").textContent()).toContain(
      "production environment only",
    );
    await select.selectOption("staging");
    await expect.poll(() => page.url()).toContain("environment=staging");
    // The seeded traffic is production's: staging's report counts no unit.
    await page.getByText("Traffic of the staging environment only").waitFor({ timeout: 30_000 });
    expect(await select.inputValue()).toBe("staging");
    await page.reload();
    await page.getByText("Traffic of the staging environment only").waitFor({ timeout: 30_000 });
    expect(await page.getByLabel("Environment").inputValue()).toBe("staging");
    await page.getByLabel("Environment").selectOption("production");
    await expect.poll(() => page.url()).not.toContain("environment=");
    await page.getByText("Traffic of the production environment only").waitFor({ timeout: 30_000 });
    await page.close();
  });

  it("screenshots the results page in light and dark", async () => {
    const page = await newPage();
    await signIn(page);
    await openResults(page, "checkout-v3", "?diff=absolute&dimension=device&mde=0.2");
    await page.getByRole("img", { name: /Cumulative absolute lift of fast/ }).waitFor();
    await page.getByTestId("segment-desktop").waitFor({ timeout: 30_000 });
    await expectNoSeriousA11yViolations(page, "results");
    await screenshotBothThemes(page, "results");
    await page.close();
  });

  it("no page logged an error", () => {
    expect(problems).toEqual([]);
  });
});
