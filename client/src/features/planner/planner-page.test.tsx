// @vitest-environment happy-dom
import { sampleSizeMeans, sampleSizeProportions, sequentialSampleSize } from "@splitlab/stats";
import { cleanup, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderApp } from "../../../test/render.js";
import { startSession } from "../../api/session.js";
import { setLocale } from "../../ui/format.js";

beforeEach(() => {
  setLocale("en-US");
  startSession("a-token-for-the-shell");
});
afterEach(() => {
  cleanup();
  setLocale(undefined);
});

const count = (n: number | null) => (n as number).toLocaleString("en-US");

async function replace(label: string, text: string) {
  const input = screen.getByRole("textbox", { name: label });
  await userEvent.clear(input);
  await userEvent.type(input, text);
}

describe("the planner page shows exactly what the stats functions compute, as you type", () => {
  it("conversion rate: typed values, sequential cost, and the URL follow", async () => {
    const { router } = renderApp("/planner");
    await screen.findByRole("heading", { name: "Plan a test" }, { timeout: 15_000 });
    await replace("Baseline rate", "2.5");
    await replace("Minimum detectable effect", "0.2");
    await replace("Units per day", "1500");
    const ref = sampleSizeProportions({
      baselineRate: 0.025,
      mde: 0.2,
      alpha: 0.05,
      power: 0.8,
      variants: 2,
    });
    await waitFor(() => expect(screen.getByTestId("per-variant").textContent).toBe(count(ref.perVariant)));
    expect(screen.getByTestId("total").textContent).toBe(count(ref.total));
    const days = Math.ceil((ref.total as number) / 1500);
    expect(screen.getByTestId("days").textContent).toBe(String(days));
    expect(screen.getByTestId("run-sentence").textContent).toBe(`Run at least ${days} days.`);
    expect(screen.getByText("Read as 2.5 %.")).toBeDefined();
    await waitFor(() => expect(router.state.location.search).toContain("baseline=0.025"));

    await userEvent.click(screen.getByRole("checkbox", { name: /Sequential/ }));
    const seq = sequentialSampleSize({ baselineRate: 0.025, mde: 0.2, power: 0.8, tuning: 5000 });
    await waitFor(() => expect(screen.getByTestId("per-variant").textContent).toBe(count(seq.perVariant)));
    expect(screen.getByTestId("sequential-cost").textContent).toContain(
      `${count(seq.perVariant)} instead of ${count(ref.perVariant)} per variant`,
    );
  });

  it("mean + sd with an absolute effect uses sampleSizeMeans", async () => {
    renderApp("/planner?kind=mean&baseline=50&sd=20&mdeMode=absolute&mde=2&variants=3&holm=0");
    await screen.findByRole("heading", { name: "Plan a test" }, { timeout: 15_000 });
    const ref = sampleSizeMeans({ sd: 20, mde: 2, alpha: 0.05, power: 0.8, variants: 3 });
    await waitFor(() => expect(screen.getByTestId("per-variant").textContent).toBe(count(ref.perVariant)));
    expect(screen.getByTestId("total").textContent).toBe(count(ref.total));
  });

  it("a field that does not read shows its message and no plan", async () => {
    renderApp("/planner");
    await screen.findByRole("heading", { name: "Plan a test" }, { timeout: 15_000 });
    await replace("Power", "lots");
    expect(await screen.findByText("“lots” is not a number.")).toBeDefined();
    expect(screen.getByRole("textbox", { name: "Power" }).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Fix the highlighted fields to see the plan.")).toBeDefined();
    expect(screen.queryByTestId("per-variant")).toBeNull();
  });
});
