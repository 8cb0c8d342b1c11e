/**
 * API types the UI reads. They are not written here: they are inferred from the server's zod
 * request and response schemas (`@splitlab/server/contract`, the same objects that validate
 * requests and generate /api/openapi.json), so the UI cannot drift from the API.
 * Type-only imports: nothing of the server reaches the browser bundle.
 */
import type { Experiment, ExperimentStatus } from "@splitlab/server/contract";

export type {
  ApiKey,
  ApiKeyList,
  AuditEntry,
  AuditPage,
  Comparison,
  CreatedApiKey,
  CreateExperimentRequest,
  CreateKeyRequest,
  CreateLayerRequest,
  CreateMetricRequest,
  CupedComparison,
  EnvironmentList,
  ErrorBody,
  ErrorCode,
  Experiment,
  ExperimentList,
  ExperimentStatus,
  HealthCheck,
  Interval,
  Layer,
  LayerList,
  Metric,
  MetricList,
  MetricReport,
  MetricType,
  PowerReport,
  Recommendation,
  ResultsReport,
  SeriesPoint,
  StopExperimentRequest,
  UpdateExperimentRequest,
  UpdateLayerRequest,
  UpdateMetricRequest,
  VariantStats,
} from "@splitlab/server/contract";

/** Lifecycle statuses, in order (a runtime list for tabs; pinned to the contract's type below). */
export const EXPERIMENT_STATUSES = ["draft", "running", "stopped", "archived"] as const;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatchContract: Same<(typeof EXPERIMENT_STATUSES)[number], ExperimentStatus> = true;
void statusesMatchContract;

/** A JSON value (variant payloads, conditions). */
export type Json = NonNullable<Experiment["variants"][number]["payload"]> | null;
