export type { Assignment, AssignmentReason, User } from "./assign.js";
export { assignInto, assignVariant, unitIdOf } from "./assign.js";
export type { BucketRange } from "./bucket.js";
export { bucketRanges, chooseBucket, chooseVariantIndex, inRange } from "./bucket.js";
export type { Client, ClientOptions, TrackOptions } from "./client.js";
export { createClient } from "./client.js";
export type { ConditionIssue, ConditionIssueCode } from "./condition.js";
export { evaluateCondition, validateCondition } from "./condition.js";
export type { DeliveryStats } from "./delivery.js";
export { hashToLayerUnit, hashToUnit, murmur3Utf8 } from "./hash.js";
export type { FetchLike, StorageLike } from "./runtime.js";
export type {
  Attributes,
  Condition,
  ExperimentConfig,
  ExposureEvent,
  IngestEvent,
  IngestRequest,
  IngestResponse,
  Json,
  LayerSlice,
  SdkConfig,
  TrackEvent,
  VariantConfig,
} from "./types.js";
