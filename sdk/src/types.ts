/**
 * Wire contracts shared by the SDK and the server.
 * The server's zod schemas `satisfies` these types, so drift fails the type-check.
 */

/** Any JSON value (variant payloads, user attributes, event properties). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** User attributes used for targeting and to pick the unit id (`id` by default). */
export type Attributes = Record<string, Json | undefined>;

/**
 * MongoDB-style targeting condition over user attributes:
 * `$eq $ne $in $nin $gt $gte $lt $lte $exists $regex $and $or $not`.
 * Example: `{ country: { $in: ["US", "CA"] }, age: { $gte: 18 } }`.
 */
export type Condition = { [key: string]: Json };

/** One arm of an experiment as the SDK sees it. `weight` values of one experiment sum to 1. */
export interface VariantConfig {
  key: string;
  weight: number;
  payload?: Json;
}

/** Mutual-exclusion layer membership: the experiment owns `[range[0], range[1])` of the layer. */
export interface LayerSlice {
  key: string;
  range: [number, number];
}

/** A running experiment in the payload of `GET /api/v1/sdk/config` (hashVersion 1, see DESIGN.md). */
export interface ExperimentConfig {
  key: string;
  /** Hash seed; defaults to the experiment key on the server. */
  seed: string;
  hashVersion: 1;
  /** Attribute holding the unit id; default "id". */
  unitAttribute: string;
  /** In order; the first variant is the control. 2 to 10 variants. */
  variants: VariantConfig[];
  /** Share of eligible units included, 0..1. */
  coverage: number;
  condition?: Condition | null;
  layer?: LayerSlice | null;
  /** unitId -> variant key; forced units are never logged as exposures. */
  forced?: Record<string, string>;
  /**
   * Optional (added by the SDK): `false` means the experiment is known but not running, so
   * everyone gets the control and nothing is logged. Absent means running.
   */
  active?: boolean;
}

/** Payload of `GET /api/v1/sdk/config`. */
export interface SdkConfig {
  /** Content version (the ETag without quotes). */
  version: string;
  generatedAt: string;
  experiments: ExperimentConfig[];
}

/** An exposure as posted to `POST /api/v1/events`. */
export interface ExposureEvent {
  id: string;
  type: "exposure";
  experiment: string;
  variant: string;
  unitId: string;
  timestamp: string;
  attributes?: Record<string, Json>;
}

/** A behavioral event as posted to `POST /api/v1/events`. */
export interface TrackEvent {
  id: string;
  type: "track";
  name: string;
  unitId: string;
  timestamp: string;
  value?: number;
  properties?: Record<string, Json>;
}

export type IngestEvent = ExposureEvent | TrackEvent;

/** Body of `POST /api/v1/events`. At most 1000 events and 1 MB. */
export interface IngestRequest {
  events: IngestEvent[];
}

/** Answer of `POST /api/v1/events`, sent only after the accepted rows are committed. */
export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; reason: string }[];
}
