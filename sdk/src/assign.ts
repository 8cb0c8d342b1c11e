import { type BucketRange, bucketRanges, chooseBucket, inRange } from "./bucket.js";
import { conditionMatcher, type Matcher } from "./condition.js";
import { hashToLayerUnit, murmur3Prefixed } from "./hash.js";
import type { Attributes, ExperimentConfig, Json } from "./types.js";

/**
 * Why a unit got its variant:
 * - `not-running`: the experiment is unknown, inactive, or uses a hash version this SDK lacks;
 * - `no-unit-id`: the unit attribute is missing or empty;
 * - `forced`: a forced override (QA); in the experiment but never logged as an exposure;
 * - `targeting`: the targeting condition did not match;
 * - `layer`: the unit is outside the experiment's slice of its layer;
 * - `coverage`: the unit hashed outside the covered share of traffic;
 * - `assigned`: hashed into a variant; the only reason that logs an exposure.
 */
export type AssignmentReason =
  | "not-running"
  | "no-unit-id"
  | "forced"
  | "targeting"
  | "layer"
  | "coverage"
  | "assigned";

/** The result of assigning one unit to one experiment. */
export interface Assignment {
  /** True for `assigned` and `forced`. */
  inExperiment: boolean;
  /** Variant key; the control (first variant) when not in the experiment; null only when the experiment is unknown. */
  variant: string | null;
  /** The variant's payload, or null. */
  payload: Json;
  reason: AssignmentReason;
  /** The unit id used for hashing, or null when there was none. */
  unitId: string | null;
}

/** The user (or other unit) being assigned: attributes for targeting and the unit id. */
export type User = Attributes;

/** A fresh "not running" assignment (no variant). */
export const notRunning = (): Assignment => ({
  inExperiment: false,
  variant: null,
  payload: null,
  reason: "not-running",
  unitId: null,
});

/** Writes an assignment to variant `index` of `experiment` (its control, 0, when not in it) into `out`. */
export function result(
  out: Assignment,
  experiment: ExperimentConfig | null | undefined,
  index: number,
  inExperiment: boolean,
  reason: AssignmentReason,
  unitId: string | null,
): Assignment {
  const variant = experiment?.variants[index];
  out.inExperiment = inExperiment;
  out.variant = variant?.key ?? null;
  out.payload = variant?.payload ?? null;
  out.reason = reason;
  out.unitId = unitId;
  return out;
}

/**
 * An experiment with what assignment needs worked out once (when the config loads) instead of
 * on every call: whether it runs, its unit attribute and seed, its compiled targeting condition
 * and its bucket ranges. `hash` is written by each assignment that hashed: the uint32 murmur3 of
 * the unit (the client's exposure dedupe reuses it as its key's hash).
 */
export interface PreparedExperiment {
  readonly config: ExperimentConfig | null | undefined;
  /** Running, with hash version 1 and variants. */
  readonly active: boolean;
  readonly unitAttribute: string;
  readonly seed: string;
  readonly match: Matcher;
  readonly ranges: BucketRange[];
  hash: number;
}

/** Precomputes an experiment for {@link assignPrepared} (configs are not mutated after they arrive). */
export function prepareExperiment(experiment: ExperimentConfig | null | undefined): PreparedExperiment {
  const e =
    experiment &&
    experiment.active !== false &&
    experiment.hashVersion === 1 &&
    Array.isArray(experiment.variants) &&
    experiment.variants.length > 0
      ? experiment
      : null; // running
  return {
    config: experiment,
    active: !!e,
    unitAttribute: e?.unitAttribute || "id",
    seed: e ? e.seed || e.key : "",
    // A falsy condition matches everyone, as does a missing one.
    match: conditionMatcher(e?.condition || null),
    ranges: e
      ? bucketRanges(
          e.variants.map((v) => v.weight),
          e.coverage,
        )
      : [],
    hash: 0,
  };
}

/**
 * The unit id of `user` for an experiment: the value of its unit attribute (default `id`)
 * as a string. Strings and finite numbers are accepted; anything else, or "", gives null.
 *
 * @example unitIdOf({ id: 42 }, "id") // "42"
 */
export function unitIdOf(user: Attributes, unitAttribute?: string): string | null {
  const raw = user[unitAttribute || "id"];
  return typeof raw === "string" ? raw || null : Number.isFinite(raw) ? String(raw) : null;
}

/**
 * Assign a user to a variant of an experiment (assignment spec, hashVersion 1). Pure: no
 * network, timers or globals. Order: not running -> unit id -> forced override -> targeting
 * condition -> layer slice -> coverage/bucket.
 *
 * - `u = murmur3_x86_32(UTF-8(seed + ":" + unitId), 0) / 2^32`; variant i owns
 *   `[c_i, c_i + coverage * w_i)`.
 * - Layer: `murmur3_x86_32(UTF-8("layer:" + layerKey + ":" + unitId), 0) / 2^32` must lie in
 *   the experiment's slice `[lo, hi)`.
 * - A forced variant key that is not one of the experiment's variants is ignored.
 *
 * @example
 * assignVariant(
 *   { key: "btn", seed: "btn", hashVersion: 1, unitAttribute: "id", coverage: 1,
 *     variants: [{ key: "control", weight: 0.5 }, { key: "blue", weight: 0.5 }] },
 *   { id: "user-1" },
 * ) // { inExperiment: true, variant: "control" | "blue", payload: null, reason: "assigned", unitId: "user-1" }
 */
export function assignVariant(experiment: ExperimentConfig | null | undefined, user: User): Assignment {
  return assignInto(notRunning(), experiment, user);
}

/**
 * {@link assignVariant} writing into `out` instead of allocating a result (the client's hot
 * path reuses one object). Returns `out`.
 */
export function assignInto(
  out: Assignment,
  experiment: ExperimentConfig | null | undefined,
  user: User,
): Assignment {
  return assignPrepared(out, prepareExperiment(experiment), user);
}

/** {@link assignInto} for an experiment prepared once by {@link prepareExperiment} (the client's hot path). */
export function assignPrepared(
  out: Assignment,
  prepared: PreparedExperiment | undefined,
  user: User,
): Assignment {
  if (!prepared?.active) return result(out, prepared?.config, 0, false, "not-running", null);
  const e = prepared.config!;
  const unitId = unitIdOf(user, prepared.unitAttribute);
  if (unitId === null) return result(out, e, 0, false, "no-unit-id", null);

  const forcedKey = e.forced?.[unitId];
  if (forcedKey !== undefined) {
    const index = e.variants.findIndex((v) => v.key === forcedKey);
    if (index >= 0) return result(out, e, index, true, "forced", unitId);
  }
  if (!prepared.match(user)) return result(out, e, 0, false, "targeting", unitId);
  if (e.layer && !inRange(hashToLayerUnit(e.layer.key, unitId), e.layer.range)) {
    return result(out, e, 0, false, "layer", unitId);
  }
  const hash = murmur3Prefixed(prepared.seed, unitId);
  prepared.hash = hash;
  const index = chooseBucket(hash / 4294967296, prepared.ranges);
  if (index < 0) return result(out, e, 0, false, "coverage", unitId);
  return result(out, e, index, true, "assigned", unitId);
}
