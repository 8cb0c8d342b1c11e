// @vitest-environment happy-dom
/**
 * The scorecard with a report built by the server's own `buildReport` from aggregated sums, so the
 * component reads exactly the shape the API sends. Expected figures are computed by hand (R calls
 * cited), not read back from the report.
 */
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MetricSums } from "../../../../server/src/features/results/results.repo.js";
import { buildReport } from "../../../../server/src/features/results/results.report.js";
import type { ResultsReport } from "../../api/types.js";
import { ExplainProvider } from "../../ui/explain.js";
import { setLocale } from "../../ui/format.js";
import { Scorecard } from "./scorecard.js";
import {
  axisDomain,
  type DiffMode,
  explainAdjusted,
  formatCounts,
  formatDiff,
  formatDiffInterval,
  formatMetricValue,
  scorecardCsv,
  scorecardRows,
} from "./scorecard-model.js";

const binomial = (n: number, conversions: number): MetricSums => ({
  n,
  sumX: conversions,
  sumXX: conversions,
  sumY: 0,
  sumYY: 0,
  sumXY: 0,
});

/**
 * 1000 units per arm. Purchased (primary, higher is better): 100 vs 130 conversions.
 * Refunded (guardrail, lower is better): 50 vs 30. The guardrail is listed first on purpose.
 */
function report(): ResultsReport {
  return buildReport({
    experiment: {
      key: "checkout",
      status: "running",
      startedAt: new Date("2026-01-01T00:00:00Z"),
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      analysis: { alpha: 0.05, sequential: false, correction: "holm" },
    },
    metrics: [
      { key: "refunded", name: "Refunded", type: "binomial", kind: "guardrail", direction: "decrease" },
      { key: "purchased", name: "Purchased", type: "binomial", kind: "primary", direction: "increase" },
    ],
    rows: [
      {
        variant: "control",
        multi: false,
        day: 20454,
        units: 1000,
        metrics: [binomial(1000, 50), binomial(1000, 100)],
      },
      {
        variant: "treatment",
        multi: false,
        day: 20454,
        units: 1000,
        metrics: [binomial(1000, 30), binomial(1000, 130)],
      },
    ],
    watermark: new Date("2026-01-08T00:00:00Z"),
  }) as ResultsReport;
}

const settings = { alpha: 0.05, sequential: false, correction: "holm" as const };

function renderScorecard(mode: DiffMode) {
  return render(
    <ExplainProvider>
      <Scorecard metrics={report().metrics} mode={mode} settings={settings} caption="Scorecard" />
    </ExplainProvider>,
  );
}

beforeEach(() => setLocale("en-US"));
afterEach(() => {
  cleanup();
  setLocale(undefined);
});

describe("the scorecard", () => {
  it("lists primary metrics first, then guardrails", () => {
    renderScorecard("relative");
    const rows = screen.getAllByTestId(/^score-/).map((r) => r.dataset.testid);
    expect(rows).toEqual(["score-purchased:treatment", "score-refunded:treatment"]);
    const groups = screen.getAllByRole("columnheader").filter((h) => h.getAttribute("scope") === "colgroup");
    expect(groups.map((g) => g.textContent)).toEqual([
      "Purchased Primary · higher is better",
      "Refunded Guardrail · lower is better",
    ]);
  });

  it("relative view: baseline, variant, lift, p-values and verdict as people read them", () => {
    renderScorecard("relative");
    const row = within(screen.getByTestId("score-purchased:treatment"));
    // 100/1000 and 130/1000.
    // The value, then its counts (conversions / units).
    expect(row.getByRole("button", { name: /^10\.0% ?, 100 \/ 1,000$/ })).toBeDefined();
    expect(row.getByRole("button", { name: /^13\.0% ?, 130 \/ 1,000$/ })).toBeDefined();
    // 0.13 / 0.10 − 1 = +30.0 %.
    expect(row.getByRole("button", { name: /^\+30\.0%/ })).toBeDefined();
    // R: prop.test(c(130, 100), c(1000, 1000), correct = FALSE)$p.value = 0.03549 → "0.035";
    // Holm over one primary comparison leaves it unchanged.
    expect(row.getAllByRole("button", { name: "0.035" })).toHaveLength(2);
    const verdict = row.getByRole("button", { name: /Better/ });
    expect(verdict.textContent).toBe("↑ Better");
    expect(verdict.className).toContain("verdict-better");
  });

  it("colour follows the metric's direction: a significant drop of a lower-is-better guardrail is Better, ↓", () => {
    renderScorecard("relative");
    const row = within(screen.getByTestId("score-refunded:treatment"));
    // 30/1000 vs 50/1000: −40.0 %; R: prop.test(c(30, 50), c(1000, 1000), correct = FALSE)$p.value
    // = 0.02248, guardrails unadjusted.
    expect(row.getByRole("button", { name: /^-40\.0%/ })).toBeDefined();
    expect(row.getAllByRole("button", { name: "0.022" })).toHaveLength(2);
    const verdict = row.getByRole("button", { name: /Better/ });
    expect(verdict.textContent).toBe("↓ Better");
    expect(verdict.className).toContain("verdict-better");
  });

  it("absolute view: rate differences in percentage points with the Wald interval", () => {
    renderScorecard("absolute");
    const row = within(screen.getByTestId("score-purchased:treatment"));
    // R: prop.test(c(130, 100), c(1000, 1000), correct = FALSE)$conf.int = 0.002068, 0.057932
    const lift = row.getByRole("button", { name: /^\+3\.00 pp/ });
    expect(lift.textContent).toBe("+3.00 pp+0.21 – +5.79 pp");
    expect(row.getByRole("img").getAttribute("aria-label")).toBe(
      "treatment against control on Purchased: absolute lift +3.00 pp, confidence interval +0.21 – +5.79 pp; Better.",
    );
    // R: prop.test(c(30, 50), c(1000, 1000), correct = FALSE)$conf.int = -0.037154, -0.002846
    const refunded = within(screen.getByTestId("score-refunded:treatment"));
    expect(refunded.getByRole("button", { name: /^-2\.00 pp/ }).textContent).toBe("-2.00 pp-3.72 – -0.28 pp");
  });

  it("every number explains itself in words on focus", async () => {
    renderScorecard("relative");
    const row = within(screen.getByTestId("score-purchased:treatment"));
    await userEvent.tab();
    expect(document.activeElement?.textContent).toBe("10.0%, 100 / 1,000");
    const tip = await screen.findAllByRole("tooltip");
    expect(tip[0]?.textContent).toContain(
      "Baseline. control: 10.0% of its 1,000 units converted (100 units did).",
    );
    await userEvent.keyboard("{Escape}");
    const p = row.getAllByRole("button", { name: "0.035" })[0]!;
    p.focus();
    await screen.findAllByRole("tooltip");
    expect(screen.getAllByRole("tooltip")[0]?.textContent).toContain(
      "It is not the probability that treatment is better.",
    );
  });
});

describe("scorecard model", () => {
  it("formats by metric type: rates in % and pp, other metrics as plain signed numbers", () => {
    expect(formatMetricValue("binomial", 0.1234)).toBe("12.3%");
    expect(formatMetricValue("mean", 1099.274)).toBe("1,099.27");
    expect(formatDiff("binomial", "absolute", 0.0151)).toBe("+1.51 pp");
    expect(formatDiff("sum", "absolute", 1.3333)).toBe("+1.33");
    expect(formatDiff("count", "relative", -0.05)).toBe("-5.0%");
    expect(formatDiffInterval("mean", "absolute", [-66.35, -53.72])).toBe("-66.35 – -53.72");
    expect(
      formatCounts("binomial", {
        variant: "a",
        units: 1200,
        mean: 0.1,
        variance: 0.09,
        sum: 120,
        conversions: 120,
      }),
    ).toBe("120 / 1,200");
    expect(formatCounts("mean", { variant: "a", units: 75, mean: 6, variance: 1, sum: 450 })).toBe("n = 75");
  });

  it("explains the adjusted p-value by the experiment's correction and the metric's role", () => {
    const [primary, guardrail] = scorecardRows(report().metrics);
    expect(explainAdjusted(primary!, settings)).toContain(
      "adjusted with Holm's method across every variant × primary metric",
    );
    expect(explainAdjusted(primary!, { ...settings, correction: "none" })).toContain(
      "No correction for multiple comparisons",
    );
    expect(explainAdjusted(guardrail!, settings)).toContain("Guardrails are judged unadjusted");
  });

  it("the bars' axis is symmetric around zero and covers every interval", () => {
    const rows = scorecardRows(report().metrics);
    // Absolute: the widest bound is |−0.03715| (refunded) → ±0.03715 × 1.1, but 0.05793 (purchased) is wider.
    const [lo, hi] = axisDomain(rows, "absolute");
    expect(hi).toBeCloseTo(0.057932 * 1.1, 5);
    expect(lo).toBe(-hi);
  });

  it("exports CSV with raw numbers per segment, metric and treatment", () => {
    const csv = scorecardCsv([{ segment: "all", metrics: report().metrics }])
      .trimEnd()
      .split("\r\n");
    expect(csv).toHaveLength(3);
    const cols = csv[0]!.split(",");
    const purchased = Object.fromEntries(csv[1]!.split(",").map((v, i) => [cols[i], v]));
    expect(purchased.metric).toBe("purchased");
    expect(purchased.control_value).toBe("0.1");
    expect(purchased.variant_value).toBe("0.13");
    expect(Number(purchased.absolute_lift)).toBeCloseTo(0.03, 12);
    expect(Number(purchased.absolute_ci_low)).toBeCloseTo(0.0020679, 6);
    expect(Number(purchased.p_value)).toBeCloseTo(0.0354885, 6);
    expect(purchased.significant).toBe("true");
    expect(purchased.verdict).toBe("better");
    const refunded = Object.fromEntries(csv[2]!.split(",").map((v, i) => [cols[i], v]));
    expect(refunded.good_direction).toBe("decrease");
    expect(refunded.verdict).toBe("better");
  });
});
