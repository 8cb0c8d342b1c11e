import { inArray } from "drizzle-orm";
import type { Db } from "../../db.js";
import { notFound } from "../../errors.js";
import { findExperiment } from "../experiments/experiments.repo.js";
import type { ExperimentRow } from "../experiments/experiments.table.js";
import { metrics as metricsTable } from "../metrics/metrics.table.js";
import type { AnalysisMetric } from "./results.analysis.js";
import {
  type MetricSpec,
  type RefreshOutcome,
  readSegments,
  readVariantDays,
  refreshResultUnits,
} from "./results.repo.js";
import { buildReport, type ResultsReport } from "./results.report.js";
import type { ResultsQuery } from "./results.schemas.js";

/** Dependencies of the results use case. */
export interface ResultsDeps {
  db: Db;
  /**
   * Rows received in the last `lagSeconds` are left for the next refresh so that an ingestion
   * transaction committing late is never skipped (default 30 s).
   */
  lagSeconds?: number;
}

/** Default freshness lag of results, in seconds. */
export const DEFAULT_LAG_SECONDS = 30;

/** An experiment with the metrics its report covers (primary first, then guardrails). */
export interface ResultsDefinition {
  experiment: ExperimentRow;
  metrics: (AnalysisMetric & MetricSpec)[];
}

/** Loads the experiment and its metrics; 404 when the experiment does not exist. */
export async function loadResultsDefinition(db: Db, key: string): Promise<ResultsDefinition> {
  const experiment = await findExperiment(db, key);
  if (!experiment) throw notFound(`experiment "${key}"`);
  const keys = [...new Set([...experiment.primaryMetrics, ...experiment.guardrailMetrics])];
  const rows =
    keys.length > 0 ? await db.select().from(metricsTable).where(inArray(metricsTable.key, keys)) : [];
  const byKey = new Map(rows.map((m) => [m.key, m]));
  const metrics: (AnalysisMetric & MetricSpec)[] = [];
  const seen = new Set<string>();
  for (const [list, kind] of [
    [experiment.primaryMetrics, "primary"],
    [experiment.guardrailMetrics, "guardrail"],
  ] as const) {
    for (const k of list) {
      const m = byKey.get(k);
      if (!m || seen.has(k)) continue;
      seen.add(k);
      metrics.push({
        key: m.key,
        name: m.name,
        type: m.type,
        kind,
        direction: m.direction,
        eventName: m.eventName,
        windowHours: m.windowHours,
        cap: m.cap,
      });
    }
  }
  return { experiment, metrics };
}

/** Brings the experiment's pre-aggregated unit rows up to date (see {@link refreshResultUnits}). */
export function refreshResults(
  deps: ResultsDeps,
  def: ResultsDefinition,
  full: boolean,
): Promise<RefreshOutcome> {
  return refreshResultUnits(deps.db, {
    experimentKey: def.experiment.key,
    variants: def.experiment.variants.map((v) => v.key),
    metrics: def.metrics,
    lagSeconds: deps.lagSeconds ?? DEFAULT_LAG_SECONDS,
    full,
  });
}

/** Reads the sums (one scan of the unit rows, plus one for a breakdown) and builds the report. */
export async function reportResults(
  db: Db,
  def: ResultsDefinition,
  refreshed: RefreshOutcome,
  query: ResultsQuery,
): Promise<ResultsReport> {
  const { experiment, metrics } = def;
  const dayRows = await readVariantDays(db, experiment.key, metrics);
  const segments = query.dimension
    ? { dimension: query.dimension, rows: await readSegments(db, experiment.key, metrics, query.dimension) }
    : undefined;
  return buildReport({
    experiment: {
      key: experiment.key,
      status: experiment.status,
      startedAt: experiment.startedAt,
      variants: experiment.variants.map((v) => ({ key: v.key, weight: v.weight })),
      analysis: experiment.analysis,
    },
    metrics,
    rows: dayRows,
    ...(segments ? { segments } : {}),
    watermark: refreshed.watermark,
    mde: query.mde,
  });
}

/**
 * Computes the results report of one experiment: refreshes its pre-aggregated unit rows in the
 * database (incrementally), reads per-variant sufficient statistics of all its metrics in one
 * scan, and runs the statistics. No event row is loaded into Node.
 */
export async function computeResults(
  deps: ResultsDeps,
  key: string,
  query: ResultsQuery,
): Promise<ResultsReport> {
  const def = await loadResultsDefinition(deps.db, key);
  const refreshed = await refreshResults(deps, def, query.refresh === "full");
  return reportResults(deps.db, def, refreshed, query);
}
