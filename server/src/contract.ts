/**
 * The HTTP contract of the API: the zod request and response schemas every route is
 * mounted and documented with (`/api/openapi.json` is generated from the same objects), and
 * the TypeScript types inferred from them. The UI imports these types
 * (`import type { ResultsReport } from "@splitlab/server/contract"`); the SDK's hand-written
 * wire types are pinned to them by a type-equality test (sdk-wire-types.test.ts).
 *
 * Only schema modules are imported here (no database, express or engine code), so a
 * type-only import from the browser build pulls in nothing else.
 */
import type { z } from "zod";
import { auditEntryResponse, auditPageResponse, auditQuery } from "./features/audit/audit.schemas.js";
import {
  eraseUnitResponseSchema,
  exposureEventSchema,
  ingestEventSchema,
  ingestResponseSchema,
  trackEventSchema,
} from "./features/events/events.schemas.js";
import {
  createExperimentRequest,
  experimentListResponse,
  experimentResponse,
  listExperimentsQuery,
  stopExperimentRequest,
  updateExperimentRequest,
} from "./features/experiments/experiments.schemas.js";
import {
  createdKeyResponse,
  createKeyRequest,
  type environmentListResponse,
  keyListResponse,
  keyResponse,
} from "./features/keys/keys.schemas.js";
import {
  createLayerRequest,
  layerListResponse,
  layerResponse,
  updateLayerRequest,
} from "./features/layers/layers.schemas.js";
import {
  createMetricRequest,
  metricListResponse,
  metricResponse,
  updateMetricRequest,
} from "./features/metrics/metrics.schemas.js";
import { resultsReportResponse } from "./features/results/report.schema.js";
import { resultsQuery } from "./features/results/results.schemas.js";
import { sdkConfigResponse } from "./features/sdk-config/sdk-config.schemas.js";
import { errorResponse } from "./http/error.schema.js";

/** The schemas, by what they describe. */
export const schemas = {
  experiment: experimentResponse,
  experimentList: experimentListResponse,
  listExperimentsQuery,
  createExperimentRequest,
  updateExperimentRequest,
  stopExperimentRequest,
  resultsQuery,
  resultsReport: resultsReportResponse,
  metric: metricResponse,
  metricList: metricListResponse,
  createMetricRequest,
  updateMetricRequest,
  layer: layerResponse,
  layerList: layerListResponse,
  createLayerRequest,
  updateLayerRequest,
  apiKey: keyResponse,
  apiKeyList: keyListResponse,
  createdApiKey: createdKeyResponse,
  createKeyRequest,
  auditEntry: auditEntryResponse,
  auditPage: auditPageResponse,
  auditQuery,
  sdkConfig: sdkConfigResponse,
  ingestEvent: ingestEventSchema,
  exposureEvent: exposureEventSchema,
  trackEvent: trackEventSchema,
  ingestResponse: ingestResponseSchema,
  erasedUnit: eraseUnitResponseSchema,
  error: errorResponse,
} as const;

type Report = z.output<typeof resultsReportResponse>;
type MetricReportT = Report["metrics"][number];

// Experiments
/** An experiment as the API returns it (`GET /api/v1/experiments/{key}`). */
export type Experiment = z.output<typeof experimentResponse>;
/** Lifecycle status of an experiment. */
export type ExperimentStatus = Experiment["status"];
/** `GET /api/v1/experiments`. */
export type ExperimentList = z.output<typeof experimentListResponse>;
/** Body of `POST /api/v1/experiments` (what a client sends: defaults may be left out). */
export type CreateExperimentRequest = z.input<typeof createExperimentRequest>;
/** Body of `PATCH /api/v1/experiments/{key}`. */
export type UpdateExperimentRequest = z.input<typeof updateExperimentRequest>;
/** Body of `POST /api/v1/experiments/{key}/stop`. */
export type StopExperimentRequest = z.input<typeof stopExperimentRequest>;

// Results
/** Query of `GET /api/v1/experiments/{key}/results`. */
export type ResultsQuery = z.input<typeof resultsQuery>;
/** `GET /api/v1/experiments/{key}/results`. */
export type ResultsReport = Report;
/** The report of one metric. */
export type MetricReport = MetricReportT;
/** One variant's summary of a metric. */
export type VariantStats = MetricReportT["variants"][number];
/** Treatment vs control on one metric. */
export type Comparison = MetricReportT["comparisons"][number];
/** [lower, upper]. */
export type Interval = NonNullable<Comparison["absolute"]["ci"]>;
/** Metric types. */
export type MetricType = MetricReportT["type"];
/** One health check of the report. */
export type HealthCheck = Report["health"]["checks"][number];
/** Recommendations of the report. */
export type Recommendation = Report["decision"]["recommendation"];
/** The power figure of the report. */
export type PowerReport = Report["power"];
/** One point of the daily cumulative series. */
export type SeriesPoint = Report["series"][number];
/** A CUPED comparison: one treatment against the control, unadjusted and adjusted. */
export type CupedComparison = NonNullable<Report["cuped"]>["metrics"][number]["comparisons"][number];

// Metrics, layers, keys, audit
/** A metric (`GET /api/v1/metrics/{key}`). */
export type Metric = z.output<typeof metricResponse>;
/** `GET /api/v1/metrics`. */
export type MetricList = z.output<typeof metricListResponse>;
/** Body of `POST /api/v1/metrics`. */
export type CreateMetricRequest = z.input<typeof createMetricRequest>;
/** Body of `PATCH /api/v1/metrics/{key}`. */
export type UpdateMetricRequest = z.input<typeof updateMetricRequest>;
/** A layer with the slices its experiments own. */
export type Layer = z.output<typeof layerResponse>;
/** `GET /api/v1/layers`. */
export type LayerList = z.output<typeof layerListResponse>;
/** Body of `POST /api/v1/layers`. */
export type CreateLayerRequest = z.input<typeof createLayerRequest>;
/** Body of `PATCH /api/v1/layers/{key}`. */
export type UpdateLayerRequest = z.input<typeof updateLayerRequest>;
/** An SDK key or admin token as listed (never the token). */
export type ApiKey = z.output<typeof keyResponse>;
/** `GET /api/v1/keys`. */
export type ApiKeyList = z.output<typeof keyListResponse>;
/** `GET /api/v1/environments`. */
export type EnvironmentList = z.output<typeof environmentListResponse>;
/** Answer of `POST /api/v1/keys`: the only time the token is shown. */
export type CreatedApiKey = z.output<typeof createdKeyResponse>;
/** Body of `POST /api/v1/keys`. */
export type CreateKeyRequest = z.input<typeof createKeyRequest>;
/** One audit entry. */
export type AuditEntry = z.output<typeof auditEntryResponse>;
/** `GET /api/v1/audit`. */
export type AuditPage = z.output<typeof auditPageResponse>;
/** Query of `GET /api/v1/audit`. */
export type AuditQuery = z.input<typeof auditQuery>;

// SDK endpoints and privacy
/** `GET /api/v1/sdk/config`. */
export type SdkConfig = z.output<typeof sdkConfigResponse>;
/** One item of `POST /api/v1/events`. */
export type IngestEvent = z.input<typeof ingestEventSchema>;
/** An exposure item of `POST /api/v1/events`. */
export type ExposureEvent = z.input<typeof exposureEventSchema>;
/** A track item of `POST /api/v1/events`. */
export type TrackEvent = z.input<typeof trackEventSchema>;
/** Body of `POST /api/v1/events`. */
export interface IngestRequest {
  events: IngestEvent[];
}
/** Answer of `POST /api/v1/events`. */
export type IngestResponse = z.output<typeof ingestResponseSchema>;
/** Answer of `DELETE /api/v1/units/{unitId}`. */
export type ErasedUnit = z.output<typeof eraseUnitResponseSchema>;

/** Body of every error response. */
export type ErrorBody = z.output<typeof errorResponse>;
/** One of the error codes. */
export type ErrorCode = ErrorBody["error"]["code"];
