import { describe, expect, it } from "vitest";
import type { MetricReport, SeriesPoint } from "../../api/types.js";
import { dayNumber, liftSeries, unitsSeries } from "./series-model.js";

const point = (
  date: string,
  units: [number, number],
  c: { estimate: number; ci: [number, number]; seq?: [number, number] },
): SeriesPoint => ({
  date,
  units: [
    { variant: "control", units: units[0] },
    { variant: "treatment", units: units[1] },
  ],
  metrics: [
    {
      metric: "m",
      variants: [],
      comparisons: [
        {
          variant: "treatment",
          estimate: c.estimate,
          ci: c.ci,
          pValue: 0.5,
          ...(c.seq ? { sequential: { ci: c.seq, pValue: 0.5 } } : {}),
        },
      ],
    },
  ],
});

const metric = (direction: "increase" | "decrease", sequential: boolean): MetricReport => ({
  metric: "m",
  name: "M",
  type: "binomial",
  kind: "primary",
  direction,
  variants: [],
  comparisons: [
    {
      variant: "treatment",
      control: "control",
      status: "ok",
      test: "two-proportion-z",
      absolute: { estimate: 0, ci: [0, 0] },
      relative: { estimate: 0, ci: [0, 0] },
      pValue: 0.5,
      adjustedPValue: 0.5,
      ...(sequential ? { sequential: { estimate: 0, ci: [0, 0], pValue: 0.5, adjustedPValue: 0.5 } } : {}),
      significant: false,
      direction: "flat",
    },
  ],
});

const series = [
  point("2026-01-01", [10, 5], { estimate: 0.5, ci: [-1, 2], seq: [-3, 4] }),
  point("2026-01-02", [25, 12], { estimate: 1.2, ci: [0.5, 2], seq: [-1, 3] }),
  point("2026-01-04", [25, 20], { estimate: 0.6, ci: [0.2, 1], seq: [0.1, 1.1] }),
];

describe("units series", () => {
  it("new units per day are the differences of the cumulative series; cumulative keeps the totals", () => {
    const daily = unitsSeries(series, "2026-01-01T08:00:00Z", false);
    expect(daily.variants).toEqual(["control", "treatment"]);
    expect(daily.points.map((p) => [p.day, ...p.values])).toEqual([
      [1, 10, 5],
      [2, 15, 7],
      [4, 0, 8],
    ]);
    const cumulative = unitsSeries(series, "2026-01-01T08:00:00Z", true);
    expect(cumulative.points.map((p) => p.values)).toEqual([
      [10, 5],
      [25, 12],
      [25, 20],
    ]);
  });

  it("days count from the start's UTC day (day 1), or from the first point without a start", () => {
    expect(dayNumber("2026-01-03", "2026-01-01T23:59:00Z", "2026-01-02")).toBe(3);
    expect(dayNumber("2026-01-03", null, "2026-01-02")).toBe(2);
  });
});

describe("lift series", () => {
  it("fixed horizon: the band is the confidence interval; significant from the day it excludes zero for good", () => {
    const [lift] = liftSeries(series, metric("increase", false), "2026-01-01T00:00:00Z");
    expect(lift?.alwaysValid).toBe(false);
    expect(lift?.points.map((p) => p.band)).toEqual([
      [-1, 2],
      [0.5, 2],
      [0.2, 1],
    ]);
    expect(lift?.points.map((p) => p.state)).toEqual(["inconclusive", "better", "better"]);
    expect(lift?.significantFrom).toBe(2);
  });

  it("sequential: the band is the always-valid interval, and a rise of a lower-is-better metric is worse", () => {
    const [lift] = liftSeries(series, metric("decrease", true), "2026-01-01T00:00:00Z");
    expect(lift?.alwaysValid).toBe(true);
    expect(lift?.points.map((p) => p.state)).toEqual(["inconclusive", "inconclusive", "worse"]);
    expect(lift?.significantFrom).toBe(4);
  });
});
