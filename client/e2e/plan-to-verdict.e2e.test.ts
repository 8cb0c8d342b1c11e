/**
 * From plan to verdict in Chromium: sign in, plan a test, create the experiment from the plan in
 * the editor (condition builder, unit attribute, a metric created in the dialog), start it, send
 * exposures and conversions through the real SDK against the same server, edit it while it runs
 * (locked fields), and read the verdict on the results page. The effect is planted large
 * (10 % -> 50 % conversion) so a few hundred units decide it in seconds.
 */
import { createClient } from "@splitlab/sdk";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_TOKEN, type TestApp } from "../../server/test/test-app.js";
import {
  expectKeyboardReachesEveryControl,
  expectNoSeriousA11yViolations,
  launchBrowser,
  newWatchedPage,
  screenshotBothThemes,
  signIn,
  startUiServer,
} from "./harness.js";

let app: TestApp;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

const newPage = (): Promise<Page> => newWatchedPage(context, problems);

beforeAll(async () => {
  app = await startUiServer();
  // The background results worker, as `npm start` runs it (the test app leaves it stopped).
  app.instance.refresher.start();
  browser = await launchBrowser();
  context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await app?.instance.refresher.stop();
  await app?.close();
});

/** Conversion rates planted per variant. */
const RATES: Record<string, number> = { control: 0.1, treatment: 0.5 };
const UNITS = 600;

/** A fixed pseudo-random stream (mulberry32), so the run is the same every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("plan to verdict in Chromium", { timeout: 150_000 }, () => {
  it("plans, creates from the plan with a targeting rule, starts, gets SDK traffic, and reads the verdict", async () => {
    const page = await newPage();
    await signIn(page, app.url, TEST_ADMIN_TOKEN);

    // Plan: 10 % baseline, +50 % relative.
    await page.getByRole("link", { name: "Planner", exact: true }).click();
    await page.getByRole("heading", { name: "Plan a test" }).waitFor();
    await page.getByRole("textbox", { name: "Baseline rate" }).fill("10");
    await page.getByRole("textbox", { name: "Minimum detectable effect" }).fill("50");
    await page.getByRole("textbox", { name: "Units per day" }).fill("1,000");
    await page.getByRole("button", { name: "Use this plan" }).click();
    await page.getByRole("heading", { name: "New experiment" }).waitFor();
    expect(await page.getByTestId("planned").textContent()).toContain("50.0% / 50.0%");

    // The editor: basics, unit attribute, a targeting rule built with the builder.
    await page.getByLabel("Key", { exact: true }).fill("plan-to-verdict");
    await page.getByLabel("Name", { exact: true }).fill("Plan to verdict");
    await page.getByLabel("Hypothesis").fill("A one-step checkout makes far more visitors convert.");
    await page.getByLabel("Unit attribute").fill("userId");
    await page.getByRole("button", { name: "Add rule", exact: true }).click();
    await page.getByLabel("Rule 1 Attribute").fill("country");
    await page.getByLabel("Rule 1 Operator").selectOption("$in");
    await page.getByLabel("Rule 1 Values, one per line").fill("US\nCA");
    await page.getByRole("button", { name: "Add group" }).click();
    await page.getByLabel("Group 2 rule 1 Attribute").fill("employee");
    await page.getByLabel("Group 2 rule 1 Operator").selectOption("$exists");
    await page.getByLabel("Group 2 rule 1 Value").selectOption("false");
    await page.getByRole("button", { name: "Add rule to group 2" }).click();
    await page.getByLabel("Group 2 rule 2 Attribute").fill("plan");
    await page.getByLabel("Group 2 rule 2 Operator").selectOption("$ne");
    await page.getByLabel("Group 2 rule 2 Value").fill("internal");
    await page.getByRole("button", { name: "Add rule", exact: true }).click(); // an unfinished row: refused here
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByText("name the attribute (e.g. country)").waitFor();
    await page.getByRole("button", { name: "Remove rule 3" }).click();
    expect(await page.getByTestId("condition-preview").textContent()).toBe(
      '{"country":{"$in":["US","CA"]},"$or":[{"employee":{"$exists":false}},{"plan":{"$ne":"internal"}}]}',
    );

    // The metric dialog keeps focus inside (Tab wraps) and Escape closes it, focus back on its button.
    const guardrailButton = page.getByRole("button", { name: "New guardrail metric…" });
    await guardrailButton.click();
    await page.getByRole("dialog", { name: "New guardrail metric" }).waitFor();
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.closest("dialog")?.open)).toBe(true);
    }
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "New guardrail metric" }).waitFor({ state: "hidden" });
    expect(await guardrailButton.evaluate((el) => el === document.activeElement)).toBe(true);

    // The primary metric, created in the dialog.
    await page.getByRole("button", { name: "New primary metric…" }).click();
    const dialog = page.getByRole("dialog", { name: "New primary metric" });
    await dialog.getByLabel("Metric key").fill("converted");
    await dialog.getByLabel("Metric name").fill("Converted");
    await dialog.getByLabel("Event name").fill("checkout");
    await expectNoSeriousA11yViolations(page, "create-metric dialog");
    await screenshotBothThemes(page, "editor-metric-dialog", { fullPage: false });
    await dialog.getByRole("button", { name: "Create metric" }).click();
    await expect
      .poll(() =>
        page
          .getByRole("group", { name: /Primary/ })
          .getByRole("checkbox", { name: /Converted/ })
          .isChecked(),
      )
      .toBe(true);

    await expectNoSeriousA11yViolations(page, "editor (new)");
    await screenshotBothThemes(page, "editor-new");
    await expectKeyboardReachesEveryControl(page, "editor (new)");

    await page.getByRole("button", { name: "Create draft" }).click();
    await page.getByRole("heading", { name: "Plan to verdict", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByRole("button", { name: "Start experiment" }).click();
    await page.getByText(/locked while it runs/).waitFor();
    // The page's JS snippet tracks with the experiment's unit attribute (userId here).
    await page.getByText('client.track("converted", { unitAttribute: "userId" });').waitFor();
    const stored = (await app.request("GET", "/api/v1/experiments/plan-to-verdict")).body;
    expect(stored).toMatchObject({
      status: "running",
      unitAttribute: "userId",
      primaryMetrics: ["converted"],
      condition: {
        country: { $in: ["US", "CA"] },
        $or: [{ employee: { $exists: false } }, { plan: { $ne: "internal" } }],
      },
    });

    // Traffic through the real SDK: 600 eligible users plus 50 outside the targeting (DE).
    const key = await app.request("POST", "/api/v1/keys", {
      body: { kind: "sdk", name: "e2e plan to verdict", environment: "production" },
    });
    expect(key.status).toBe(201);
    const errors: unknown[] = [];
    const client = createClient({
      apiHost: app.url,
      sdkKey: key.body.token,
      flushInterval: 0,
      onError: (e) => errors.push(e),
    });
    await client.ready();
    const draw = random(42);
    const counts: Record<string, number> = {};
    for (let i = 0; i < UNITS + 50; i++) {
      const user = { userId: `pv-${i}`, country: i >= UNITS ? "DE" : i % 2 ? "US" : "CA", plan: "pro" };
      if (i >= UNITS) {
        // Outside the targeting: the control experience, not in the experiment, no exposure.
        expect(client.getAssignment("plan-to-verdict", user)).toMatchObject({
          inExperiment: false,
          reason: "targeting",
        });
        continue;
      }
      const variant = client.getVariant("plan-to-verdict", user);
      if (variant === null) throw new Error(`pv-${i} was not assigned`);
      counts[variant] = (counts[variant] ?? 0) + 1;
      if (draw() < RATES[variant]!) client.track("checkout", { unitAttribute: "userId" }, user);
    }
    await client.close();
    expect(errors).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual(["control", "treatment"]);

    // Editing while it runs: variants and unit attribute read-only with the reason.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Edit Plan to verdict" }).waitFor();
    expect(await page.getByLabel("Variant 1 weight").isDisabled()).toBe(true);
    expect(await page.getByLabel("Unit attribute").isDisabled()).toBe(true);
    expect(await page.getByRole("group", { name: "Variants" }).textContent()).toContain(
      "Locked while it runs",
    );
    expect(await page.getByLabel("Rule 1 Values, one per line").inputValue()).toBe("US\nCA");
    await expectNoSeriousA11yViolations(page, "editor (edit, running)");
    await screenshotBothThemes(page, "editor-edit");
    await expectKeyboardReachesEveryControl(page, "editor (edit, running)");
    await page.getByLabel("Name", { exact: true }).fill("Plan to verdict (one-step checkout)");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Plan to verdict (one-step checkout)", level: 1 }).waitFor();

    // The verdict.
    await page.getByRole("link", { name: "Results" }).click();
    await expect
      .poll(
        async () => {
          const text = await page.getByTestId("recommendation").textContent({ timeout: 20_000 });
          if (!text?.includes("Ship")) await page.getByRole("button", { name: /Refresh/ }).click();
          return text;
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toContain("Ship treatment");
    const report = (await app.request("GET", "/api/v1/experiments/plan-to-verdict/results")).body;
    const converted = report.metrics.find((m: { metric: string }) => m.metric === "converted");
    const treatment = converted.comparisons.find((c: { variant: string }) => c.variant === "treatment");
    expect(treatment.direction).toBe("better");
    expect(treatment.relative.estimate).toBeGreaterThan(1); // 10 % -> about 50 %: +300 % or so
    expect(treatment.pValue).toBeLessThan(0.001);
    const row = (await page.getByTestId("score-converted:treatment").textContent()) ?? "";
    expect(row).toContain("↑ Better");
    expect(row).toContain(`+${(treatment.relative.estimate * 100).toFixed(1)}%`);
    expect(row).toContain("<0.001");
    await page.close();
  });

  it("no page logged an error", () => {
    expect(problems).toEqual([]);
  });
});
