// @vitest-environment happy-dom
/** Health banners and what is missing, on reports built by the server's `buildReport`. */
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MetricSums } from "../../../../server/src/features/results/results.repo.js";
import { buildReport } from "../../../../server/src/features/results/results.report.js";
import type { ResultsReport } from "../../api/types.js";
import { ExplainProvider } from "../../ui/explain.js";
import { setLocale } from "../../ui/format.js";
import { HealthBanners } from "./health-banners.js";
import { missingData, srmRows } from "./health-model.js";

const sums = (n: number, x: number): MetricSums => ({ n, sumX: x, sumXX: x, sumY: 0, sumYY: 0, sumXY: 0 });

/** Control and treatment units (and units seen in both), 10 days from the start to the data. */
function report(control: number, treatment: number, multi = 0): ResultsReport {
  const rows = [
    {
      variant: "control",
      multi: false,
      day: 20454,
      units: control,
      metrics: [sums(control, Math.round(control / 5))],
    },
    {
      variant: "treatment",
      multi: false,
      day: 20454,
      units: treatment,
      metrics: [sums(treatment, Math.round(treatment / 5))],
    },
  ];
  if (multi > 0)
    rows.push({ variant: "control", multi: true, day: 20454, units: multi, metrics: [sums(multi, 0)] });
  return buildReport({
    experiment: {
      key: "checkout",
      status: "running",
      startedAt: new Date("2026-01-01T00:00:00Z"),
      variants: [
        { key: "control", weight: 0.5 },
        { key: "treatment", weight: 0.5 },
      ],
      analysis: { alpha: 0.05, sequential: false, correction: "none" },
    },
    metrics: [{ key: "m", name: "M", type: "binomial", kind: "primary", direction: "increase" }],
    rows: rows.filter((r) => r.units > 0),
    watermark: new Date("2026-01-11T00:00:00Z"),
  }) as ResultsReport;
}

function renderBanners(r: ResultsReport) {
  return render(
    <ExplainProvider>
      <HealthBanners report={r} />
    </ExplainProvider>,
  );
}

beforeEach(() => setLocale("en-US"));
afterEach(() => {
  cleanup();
  setLocale(undefined);
});

describe("not enough data says what is missing", () => {
  it("units short of the minimum, and the days at the smallest variant's rate", () => {
    // 40 + 60 units in 10 days = 10 a day; the smallest (40 %) gets 4 a day and needs 100 − 40 = 60:
    // 15 days.
    const r = report(40, 60);
    expect(missingData(r)).toEqual({
      message: "Not enough data: 40 units in the smallest variant (need at least 100).",
      unitsMissing: 60,
      days: 15,
      noUnits: false,
    });
    renderBanners(r);
    expect(screen.getByRole("heading", { name: "Not enough data for a verdict yet" })).toBeDefined();
    expect(screen.getByTestId("missing").textContent).toContain(
      "The smallest variant needs 60 more units, about 15 days at the current traffic.",
    );
  });

  it("no unit at all points at the SDK", () => {
    const r = report(0, 0);
    expect(missingData(r)?.noUnits).toBe(true);
    renderBanners(r);
    expect(screen.getByText(/No exposure has arrived yet/).textContent).toContain(
      'getVariant("checkout", user)',
    );
  });

  it("enough data: no banner at all", () => {
    renderBanners(report(1000, 1000));
    expect(screen.queryAllByRole("heading")).toEqual([]);
    expect(missingData(report(1000, 1000))).toBeNull();
  });
});

describe("SRM and multiple exposures", () => {
  it("a skewed split shows the SRM banner with actual against expected units", () => {
    // scipy.stats.chisquare([1200, 1000]) -> pvalue 1.97e-5 < 0.001
    const r = report(1200, 1000);
    expect(r.srm.mismatch).toBe(true);
    expect(srmRows(r.srm).map((x) => [x.variant, x.expectedUnits, x.actualUnits, x.actualShare])).toEqual([
      ["control", 1100, 1200, 1200 / 2200],
      ["treatment", 1100, 1000, 1000 / 2200],
    ]);
    renderBanners(r);
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Sample ratio mismatch: do not trust these results");
    expect(alert.textContent).toContain("p = <0.001");
    const cells = [...alert.querySelectorAll("tbody tr")].map((tr) => tr.textContent);
    expect(cells).toEqual(["control1,10050.0%1,20054.5%+100", "treatment1,10050.0%1,00045.5%-100"]);
    expect(alert.textContent).toContain("Likely causes");
  });

  it("units seen in several variants above 1 % get their banner with count and share", () => {
    // 50 of 1,050 exposed units = 4.76 %, shown with one decimal.
    renderBanners(report(500, 500, 50));
    const banner = screen.getByRole("heading", { name: /Units seen in more than one variant/ }).parentElement;
    expect(banner?.textContent).toContain("50 of 1,050 exposed units (4.8%)");
  });
});
