/**
 * Health figures of the report as plain data: the SRM table (actual against expected units per
 * variant), and what is missing before a verdict ("60 more units in the smallest variant, about
 * 2 days at the current traffic"). No React here (unit-tested).
 */
import type { HealthCheck, ResultsReport } from "../../api/types.js";

/** One row of the SRM table. */
export interface SrmRow {
  variant: string;
  expectedUnits: number;
  expectedShare: number;
  actualUnits: number;
  actualShare: number;
  /** Actual − expected units. */
  difference: number;
}

/** Actual against expected units and shares per variant. */
export function srmRows(srm: Pick<ResultsReport["srm"], "observed" | "expected" | "variants">): SrmRow[] {
  const total = srm.observed.reduce((a, b) => a + b, 0);
  return srm.variants.map((variant, i) => {
    const actual = srm.observed[i] ?? 0;
    const expected = srm.expected[i] ?? 0;
    return {
      variant,
      expectedUnits: expected,
      expectedShare: total > 0 ? expected / total : 0,
      actualUnits: actual,
      actualShare: total > 0 ? actual / total : 0,
      difference: actual - expected,
    };
  });
}

/** Why a split can be off, in the order they are usually found (Fabijan et al. 2019, KDD). */
export const SRM_CAUSES = [
  "Exposures are logged after something that differs between variants (a redirect, a slower page, a crash in one variant before the SDK logs).",
  "Bots or internal traffic are filtered differently in one variant.",
  "Weights, coverage or targeting changed while the experiment was running.",
  "Units change ids (signed out → signed in) more in one variant, or caching serves one variant to several users.",
  "Another experiment or a feature flag interacts with this one.",
] as const;

/** What is missing before the report can give a verdict. */
export interface MissingData {
  /** The sample-size check's sentence from the server. */
  message: string;
  /** Units the smallest variant still needs to reach the minimum (0 when units are not what is missing). */
  unitsMissing: number;
  /** Days until then at the smallest variant's current rate; null when there is no traffic to extrapolate. */
  days: number | null;
  /** No unit at all yet. */
  noUnits: boolean;
}

/** The sample-size warning of the report, with the units and days still missing; null when there is enough data. */
export function missingData(report: ResultsReport): MissingData | null {
  const check: HealthCheck | undefined = report.health.checks.find((c) => c.check === "sample-size");
  if (check?.status !== "warning") return null;
  const units = report.units.map((u) => u.units);
  const total = units.reduce((a, b) => a + b, 0);
  const smallest = units.length > 0 ? Math.min(...units) : 0;
  const unitsMissing = Math.max(0, check.threshold - smallest);
  let days: number | null = null;
  const perDay = report.power.unitsPerDay;
  if (unitsMissing > 0 && perDay && perDay > 0 && total > 0) {
    const i = units.indexOf(smallest);
    // The smallest variant's share of traffic: observed when it has units, else its planned share.
    const share = smallest > 0 ? smallest / total : (report.srm.expected[i] ?? 0) / total;
    if (share > 0) days = Math.ceil(unitsMissing / (perDay * share));
  }
  return { message: check.message, unitsMissing, days, noUnits: total === 0 };
}
