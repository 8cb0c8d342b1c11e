import type { Db } from "../../db.js";
import { notFound } from "../../errors.js";
import type { ExperimentRow } from "../experiments/index.js";
import { findExperiment } from "../experiments/index.js";
import { findMetricsByKeys } from "../metrics/index.js";
import type { AnalysisMetric } from "./results.analysis.js";
import type { MetricSpec, TimeBounds } from "./results.sql.js";

/**
 * Allowed clock skew between SDK clients and the server: exposures up to 5 minutes before
 * `startedAt` or after `stoppedAt` still count; earlier or later ones are left out.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** An experiment with the metrics its report covers (primary first, then guardrails). */
export interface ResultsDefinition {
  experiment: ExperimentRow;
  metrics: (AnalysisMetric & MetricSpec)[];
}

/** The time bounds of counted exposures: [startedAt − skew, stoppedAt + skew]. */
export function boundsOf(experiment: Pick<ExperimentRow, "startedAt" | "stoppedAt">): TimeBounds {
  return {
    lo: experiment.startedAt ? new Date(experiment.startedAt.getTime() - CLOCK_SKEW_MS) : null,
    hi: experiment.stoppedAt ? new Date(experiment.stoppedAt.getTime() + CLOCK_SKEW_MS) : null,
  };
}

/** Loads the experiment and its metrics; 404 when the experiment does not exist. */
export async function loadResultsDefinition(db: Db, key: string): Promise<ResultsDefinition> {
  const experiment = await findExperiment(db, key);
  if (!experiment) throw notFound(`experiment "${key}"`);
  const keys = [...new Set([...experiment.primaryMetrics, ...experiment.guardrailMetrics])];
  const rows = await findMetricsByKeys(db, keys);
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
        cupedLookbackDays: m.cupedLookbackDays,
      });
    }
  }
  return { experiment, metrics };
}
