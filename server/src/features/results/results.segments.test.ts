/** Per-segment SRM in the breakdown (results.segments.ts, wired in results.report.ts). */
import { describe, expect, it } from "vitest";
import type { MetricSums } from "./results.repo.js";
import { buildReport } from "./results.report.js";
import { segmentSrm } from "./results.segments.js";

describe("segmentSrm", () => {
  it("tests a segment's units against the planned weights", () => {
    // scipy.stats.chisquare([620, 380], [500, 500]) -> statistic 57.6, pvalue 3.212e-14
    const skewed = segmentSrm([620, 380], [0.5, 0.5]);
    expect(skewed.pValue).toBeCloseTo(3.212e-14, 16);
    expect(skewed.mismatch).toBe(true);
    expect(skewed.expected).toEqual([500, 500]);
    // A planned 20/80 split seen as 205/795 is no mismatch:
    // scipy.stats.chisquare([205, 795], [200, 800]) -> pvalue 0.6926
    const unequal = segmentSrm([205, 795], [20, 80]);
    expect(unequal.pValue).toBeCloseTo(0.6926, 4);
    expect(unequal.mismatch).toBe(false);
    expect(unequal.expected).toEqual([200, 800]);
    // Three variants: scipy.stats.chisquare([300, 300, 420], [340, 340, 340]) -> pvalue 7.392e-07
    const three = segmentSrm([300, 300, 420], [1, 1, 1]);
    expect(three.pValue).toBeCloseTo(7.392e-7, 9);
    expect(three.mismatch).toBe(true);
  });

  it("an empty segment is not checked (no p-value, no mismatch)", () => {
    expect(segmentSrm([0, 0], [0.5, 0.5])).toEqual({
      pValue: null,
      mismatch: false,
      observed: [0, 0],
      expected: [0, 0],
    });
  });
});

const sums = (n: number, conversions: number): MetricSums => ({
  n,
  sumX: conversions,
  sumXX: conversions,
  sumY: 0,
  sumYY: 0,
  sumXY: 0,
});

describe("the breakdown carries each segment's own SRM", () => {
  it("flags the one broken segment while the total split looks fine", () => {
    // Desktop 500/500, mobile 620/380, tablet 380/620: the total is 1500/1500 (no SRM overall),
    // mobile and tablet are each skewed.
    const segment = (name: string, control: number, treatment: number) => [
      { segment: name, variant: "control", units: control, metrics: [sums(control, control / 10)] },
      { segment: name, variant: "treatment", units: treatment, metrics: [sums(treatment, treatment / 10)] },
    ];
    const report = buildReport({
      experiment: {
        key: "e",
        status: "running",
        startedAt: new Date("2026-01-01T00:00:00Z"),
        variants: [
          { key: "control", weight: 0.5 },
          { key: "treatment", weight: 0.5 },
        ],
        analysis: { alpha: 0.05, sequential: false, correction: "none" },
      },
      metrics: [{ key: "m", name: "M", type: "binomial", kind: "primary", direction: "increase" }],
      rows: [
        { variant: "control", multi: false, day: 20454, units: 1500, metrics: [sums(1500, 150)] },
        { variant: "treatment", multi: false, day: 20454, units: 1500, metrics: [sums(1500, 150)] },
      ],
      segments: {
        dimension: "device",
        rows: [
          ...segment("desktop", 500, 500),
          ...segment("mobile", 620, 380),
          ...segment("tablet", 380, 620),
        ],
      },
      watermark: new Date("2026-01-05T00:00:00Z"),
    });
    expect(report.srm.mismatch).toBe(false);
    const bySegment = Object.fromEntries((report.breakdown?.segments ?? []).map((s) => [s.segment, s.srm]));
    expect(bySegment.desktop?.mismatch).toBe(false);
    // scipy.stats.chisquare([500, 500]) -> pvalue 1.0
    expect(bySegment.desktop?.pValue).toBeCloseTo(1, 10);
    expect(bySegment.mobile?.mismatch).toBe(true);
    expect(bySegment.mobile?.pValue).toBeCloseTo(3.212e-14, 16);
    expect(bySegment.tablet?.mismatch).toBe(true);
    expect(bySegment.mobile?.observed).toEqual([620, 380]);
    expect(bySegment.mobile?.expected).toEqual([500, 500]);
  });
});
