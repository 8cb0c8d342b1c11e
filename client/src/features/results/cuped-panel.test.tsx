// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import reference from "../../../../server/test/reference/results-cuped.json" with { type: "json" };
import type { MetricReport, ResultsReport } from "../../api/types.js";
import { ExplainProvider } from "../../ui/explain.js";
import { setLocale } from "../../ui/format.js";
import { CupedPanel } from "./cuped-panel.js";

const metric: MetricReport = {
  metric: "revenue",
  name: "Revenue",
  type: "sum",
  kind: "primary",
  direction: "increase",
  variants: [],
  comparisons: [],
};

/** A report carrying the server's CUPED reference case (R lm(y ~ arm + x), results-cuped.json). */
function report(cuped: ResultsReport["cuped"]): ResultsReport {
  return { metrics: [metric], ...(cuped ? { cuped } : {}) } as ResultsReport;
}

beforeEach(() => setLocale("en-US"));
afterEach(() => {
  cleanup();
  setLocale(undefined);
});

describe("the CUPED panel", () => {
  it("shows the unadjusted and adjusted differences and the variance removed, each explained", async () => {
    render(
      <ExplainProvider>
        <CupedPanel
          report={report({
            through: "2026-01-15T00:00:00.000Z",
            metrics: [
              {
                metric: "revenue",
                lookbackDays: 14,
                comparisons: [
                  {
                    variant: "treatment",
                    status: "ok",
                    theta: reference.theta,
                    varianceReduction: reference.varianceReduction,
                    unadjusted: {
                      estimate: reference.unadjustedEstimate,
                      ci: [1.99, 9.77],
                      pValue: reference.unadjustedPValue,
                    },
                    adjusted: { estimate: reference.adjustedEstimate, ci: [1.7, 5.84], pValue: 0.0006 },
                  },
                ],
              },
            ],
          })}
        />
      </ExplainProvider>,
    );
    const row = within(screen.getByTestId("cuped-revenue:treatment"));
    // 5.8813 and 3.7702 with two decimals; variance reduction 0.7101 → 71.0 %.
    expect(row.getByRole("button", { name: /^\+5\.88/ }).textContent).toBe("+5.88 +1.99 – +9.77");
    expect(row.getByRole("button", { name: /^\+3\.77/ }).textContent).toBe("+3.77 +1.7 – +5.84");
    const removed = row.getByRole("button", { name: "71.0%" });
    removed.focus();
    // 1 / (1 − 0.7101) − 1 = 2.449 → "245%" more units.
    expect((await screen.findAllByRole("tooltip"))[0]?.textContent).toContain(
      "like having about 245% more units",
    );
    await userEvent.keyboard("{Escape}");
    expect(row.getByRole("button", { name: "<0.001" })).toBeDefined();
    expect(screen.getByText(/over the 14 days before each unit's/).textContent).toMatch(
      /Each difference adjusted by the same metric over the 14 days before each unit's\s+first exposure/,
    );
  });

  it("says why CUPED was not computed, and renders nothing without CUPED", () => {
    const { container } = render(<CupedPanel report={report(undefined)} />);
    expect(container.textContent).toBe("");
    render(
      <CupedPanel
        report={report({
          through: "2026-01-15T00:00:00.000Z",
          metrics: [
            {
              metric: "revenue",
              lookbackDays: 14,
              comparisons: [
                {
                  variant: "treatment",
                  status: "insufficient-data",
                  reason: "each variant needs at least 2 units",
                  theta: null,
                  varianceReduction: null,
                  unadjusted: { estimate: null, ci: null, pValue: null },
                  adjusted: { estimate: null, ci: null, pValue: null },
                },
              ],
            },
          ],
        })}
      />,
    );
    expect(screen.getByTestId("cuped-none").textContent).toBe(
      "Variance reduction (CUPED) is not computed for any metric yet: each variant needs at least 2 units.",
    );
  });
});
