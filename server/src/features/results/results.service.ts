import { inArray } from "drizzle-orm";
import type { Db } from "../../db.js";
import { notFound } from "../../errors.js";
import { findExperiment } from "../experiments/experiments.repo.js";
import { metrics as metricsTable } from "../metrics/metrics.table.js";
import type { AnalysisMetric } from "./results.analysis.js";
import { type MetricSpec, readSegments, readVariantDays, refreshResultUnits } from "./results.repo.js";
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
  const experiment = await findExperiment(deps.db, key);
  if (!experiment) throw notFound(`experiment "${key}"`);
  const keys = [...new Set([...experiment.primaryMetrics, ...experiment.guardrailMetrics])];
  const rows =
    keys.length > 0 ? await deps.db.select().from(metricsTable).where(inArray(metricsTable.key, keys)) : [];
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
  const variants = experiment.variants.map((v) => v.key);
  const refreshed = await refreshResultUnits(deps.db, {
    experimentKey: key,
    variants,
    metrics,
    lagSeconds: deps.lagSeconds ?? DEFAULT_LAG_SECONDS,
    full: query.refresh === "full",
  });
  const dayRows = await readVariantDays(deps.db, key, metrics);
  const segments = query.dimension
    ? { dimension: query.dimension, rows: await readSegments(deps.db, key, metrics, query.dimension) }
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
    unknownVariantExposures: refreshed.unknownVariantExposures,
    watermark: refreshed.watermark,
    mde: query.mde,
  });
}
