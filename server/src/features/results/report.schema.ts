import { z } from "zod";
import { METRIC_TYPES } from "../metrics/index.js";

/**
 * Response schema of `GET /api/v1/experiments/:key/results`: the contract the UI reads.
 * Its inferred type must equal what the results engine answers
 * (report.schema.check.ts), so the engine cannot change the report without changing this
 * schema. This file imports nothing from the engine: the UI type-checks against it.
 */

const interval = z
  .tuple([z.number(), z.number()])
  .describe("[lower, upper] bounds of the interval at the experiment's confidence level");
const nullableNumber = (description: string) => z.number().nullable().describe(description);
const variantUnits = z.object({ variant: z.string(), units: z.number().int() }).meta({ id: "VariantUnits" });

const variantStats = z
  .object({
    variant: z.string(),
    units: z.number().int().describe("units in the denominator (mean metrics: units with a valued event)"),
    mean: nullableNumber("per-unit mean; binomial: conversion rate; mean metrics: Σ value / Σ events"),
    variance: nullableNumber("sample variance of the per-unit value (mean metrics: delta-method)"),
    sum: z.number().describe("Σ of the per-unit (capped) values; mean metrics: Σ of the numerators"),
    conversions: z.number().int().optional().describe("binomial metrics: converted units"),
    denominator: z.number().optional().describe("mean metrics: Σ of the denominators (valued events)"),
  })
  .meta({ id: "VariantStats" });

const estimate = z.object({
  estimate: nullableNumber("treatment minus control (relative: divided by control)"),
  ci: interval.nullable(),
});

const comparison = z
  .object({
    variant: z.string(),
    control: z.string(),
    status: z.enum(["ok", "insufficient-data"]),
    reason: z.string().optional().describe("why the status is insufficient-data"),
    test: z.enum(["two-proportion-z", "welch-t"]),
    absolute: estimate,
    relative: estimate,
    pValue: nullableNumber("fixed-horizon two-sided p-value"),
    adjustedPValue: nullableNumber(
      "p-value adjusted across variants × primary metrics (guardrails: unadjusted)",
    ),
    sequential: z
      .object({
        estimate: z.number().nullable(),
        ci: interval.nullable().describe("always-valid confidence sequence at this look"),
        pValue: z.number().nullable(),
        adjustedPValue: z.number().nullable(),
      })
      .optional()
      .describe("present when the experiment's analysis is sequential"),
    significant: z.boolean().describe("judged by the deciding test (sequential when on) after correction"),
    direction: z.enum(["better", "worse", "flat"]).describe("relative to the metric's good direction"),
  })
  .meta({ id: "Comparison" });

const metricReport = z
  .object({
    metric: z.string(),
    name: z.string(),
    type: z.enum(METRIC_TYPES),
    kind: z.enum(["primary", "guardrail"]),
    direction: z.enum(["increase", "decrease"]),
    variants: z.array(variantStats),
    comparisons: z.array(comparison).describe("each treatment against the control (first variant)"),
    chiSquare: z
      .object({ statistic: z.number().nullable(), df: z.number().nullable(), pValue: z.number().nullable() })
      .optional()
      .describe("binomial metrics with more than two variants: chi-square test across all"),
  })
  .meta({ id: "MetricReport" });

const srm = z
  .object({
    pValue: nullableNumber("chi-square goodness-of-fit p-value against the planned weights"),
    mismatch: z.boolean().describe("pValue below 0.001"),
    observed: z.array(z.number()),
    expected: z.array(z.number()),
    variants: z.array(z.string()),
  })
  .meta({ id: "SampleRatioMismatch" });

const healthCheck = z
  .object({
    check: z.enum(["srm", "multiple-exposures", "sample-size"]),
    status: z.enum(["ok", "warning", "problem", "not-checked"]),
    message: z.string().describe("one sentence: what was checked, what was found, what it means"),
    value: z.number().nullable(),
    threshold: z.number(),
  })
  .meta({ id: "HealthCheck" });

const health = z
  .object({ status: z.enum(["ok", "warning", "problem"]), checks: z.array(healthCheck) })
  .meta({ id: "Health" });

const decision = z
  .object({
    recommendation: z.enum([
      "ship",
      "roll-back",
      "keep-running",
      "inconclusive",
      "not-enough-data",
      "investigate",
    ]),
    variant: z.string().optional().describe("with ship: the variant to ship"),
    reasons: z.array(z.string()),
  })
  .meta({ id: "Decision" });

const power = z
  .object({
    achieved: nullableNumber(
      "power of the deciding test at the current units to detect a relative change of mde",
    ),
    mde: z.number(),
    metric: z.string().nullable().describe("the first primary metric"),
    test: z.enum(["sequential", "fixed-horizon"]),
    comparisons: z.number().int(),
    alpha: z.number(),
    target: z.number(),
    neededPerVariant: z.number().optional(),
    elapsedDays: z.number().optional(),
    unitsPerDay: z.number().optional(),
    daysLeft: z.number().optional(),
    reason: z.string().optional().describe("why achieved is null"),
  })
  .meta({ id: "Power" });

const seriesPoint = z
  .object({
    date: z.string().describe("UTC day, YYYY-MM-DD"),
    units: z.array(variantUnits),
    metrics: z.array(
      z.object({
        metric: z.string(),
        variants: z.array(z.object({ variant: z.string(), mean: z.number().nullable() })),
        comparisons: z.array(
          z.object({
            variant: z.string(),
            estimate: z.number().nullable(),
            ci: interval.nullable(),
            pValue: z.number().nullable(),
            sequential: z.object({ ci: interval.nullable(), pValue: z.number().nullable() }).optional(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "SeriesPoint" });

const segmentSrm = z
  .object({
    pValue: nullableNumber("chi-square goodness-of-fit p-value of the segment; null without units"),
    mismatch: z.boolean().describe("pValue below 0.001"),
    observed: z.array(z.number()).describe("units per variant in the segment (control first)"),
    expected: z.array(z.number()).describe("the planned weights × the segment's units"),
  })
  .meta({ id: "SegmentSrm" });

const cupedEstimate = z.object({
  estimate: z.number().nullable(),
  ci: interval.nullable(),
  pValue: z.number().nullable(),
});

const cupedComparison = z
  .object({
    variant: z.string(),
    status: z.enum(["ok", "insufficient-data"]),
    reason: z.string().optional(),
    theta: nullableNumber("θ of the pooled within-arm regression of the metric on its covariate"),
    varianceReduction: nullableNumber("1 − adjusted / unadjusted variance of the difference in means"),
    unadjusted: cupedEstimate,
    adjusted: cupedEstimate,
  })
  .meta({ id: "CupedComparison" });

const refreshJob = z
  .object({
    state: z.enum(["queued", "running", "done", "failed"]),
    requestedAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    error: z.string().optional().describe("failed: why"),
  })
  .meta({ id: "RefreshJob" });

const freshness = z
  .object({
    state: z
      .enum(["ready", "pending"])
      .describe("pending: the worker has not refreshed this experiment yet, nothing is counted"),
    refreshedAt: z.string().nullable().describe("when the rows were last refreshed (by any server process)"),
    lagSeconds: nullableNumber("seconds from dataThrough to the time of this response"),
    stale: z
      .boolean()
      .describe("the rows were built for other variants, metrics or time bounds: a full rebuild is due"),
    lastRefresh: z
      .object({
        mode: z.enum(["full", "incremental"]),
        finishedAt: z.string(),
        durationMs: z.number(),
        rebuiltUnits: z.number().int(),
      })
      .optional()
      .describe("the last refresh run by the process that answered"),
    job: refreshJob.optional().describe("the last ?refresh=full job requested on the process that answered"),
  })
  .meta({ id: "Freshness" });

const excluded = z
  .object({
    beforeStart: z
      .number()
      .int()
      .describe("units whose every exposure is before startedAt minus the clock skew"),
    afterStop: z.number().int().describe("units whose every exposure is after stoppedAt plus the clock skew"),
    clockSkewMinutes: z.number(),
    reasons: z.array(z.string()),
  })
  .meta({ id: "ExcludedUnits" });

/** The results report. */
export const resultsReportResponse = z
  .object({
    experiment: z.string(),
    environment: z
      .string()
      .describe(
        "the environment whose exposures and events the report counts (?environment=, default production)",
      ),
    environments: z
      .array(z.string())
      .describe(
        "the environments the report can be asked for (?environment=): production, staging and each SDK key's",
      ),
    status: z.string(),
    startedAt: z.string().nullable(),
    dataThrough: z.string().describe("exposures and events received up to this instant are included"),
    srm,
    multipleExposures: z.number().int().describe("units seen in more than one variant (excluded)"),
    units: z.array(variantUnits),
    metrics: z.array(metricReport),
    health,
    decision,
    power,
    series: z.array(seriesPoint).describe("cumulative, one point per day"),
    seriesBasis: z
      .enum(["looks", "first-exposure-cohorts"])
      .describe(
        "looks: point d is the report as of the end of UTC day d; first-exposure-cohorts (before the worker computed the looks): units first exposed by day d with their values as of now",
      ),
    seriesThrough: z.string().optional().describe("looks: the data watermark the looks were computed at"),
    cuped: z
      .object({
        through: z.string(),
        metrics: z.array(
          z.object({
            metric: z.string(),
            lookbackDays: z.number().describe("the covariate's window before first exposure, in days"),
            comparisons: z.array(cupedComparison),
          }),
        ),
      })
      .optional()
      .describe("CUPED-adjusted comparisons (informative: the decision uses the unadjusted tests)"),
    breakdown: z
      .object({
        dimension: z.string(),
        segments: z.array(
          z.object({
            segment: z.string(),
            units: z.array(variantUnits),
            srm: segmentSrm,
            metrics: z.array(metricReport),
          }),
        ),
      })
      .optional()
      .describe("with ?dimension=: the same report per segment of that exposure attribute"),
    freshness,
    excluded: excluded.describe("exposures left out by the experiment's time bounds"),
  })
  .meta({ id: "ResultsReport" });
