import type { Db } from "../../db.js";
import { AppError, fieldError, notFound } from "../../errors.js";
import { insertAudit } from "../audit/index.js";
import type { Actor } from "../keys/index.js";
import { knownEnvironments } from "../keys/index.js";
import { findLayer } from "../layers/index.js";
import { existingMetricKeys } from "../metrics/index.js";
import {
  findExperiment,
  findLayerSlices,
  insertExperiment,
  listExperiments,
  updateExperiment as updateExperimentRow,
} from "./experiments.repo.js";
import type {
  CreateExperimentRequest,
  ExperimentResponse,
  StartExperimentRequest,
  StopExperimentRequest,
  UpdateExperimentRequest,
} from "./experiments.schemas.js";
import type { ExperimentInsert, ExperimentRow, StoredVariant } from "./experiments.table.js";

/** What the experiment use cases need. */
export interface ExperimentsDeps {
  db: Db;
  /** Called after every committed change (SDK config cache, ingestion catalog). */
  onChange?: () => void;
}

/** Row -> API shape. */
export function toExperimentResponse(row: ExperimentRow): ExperimentResponse {
  return {
    key: row.key,
    name: row.name,
    hypothesis: row.hypothesis,
    status: row.status,
    seed: row.seed,
    hashVersion: 1,
    unitAttribute: row.unitAttribute,
    variants: row.variants.map((v) => ({
      key: v.key,
      name: v.name,
      weight: v.weight,
      ...(v.payload === undefined ? {} : { payload: v.payload }),
    })),
    coverage: row.coverage,
    layer: row.layerKey ? { key: row.layerKey, range: [row.layerLo ?? 0, row.layerHi ?? 0] } : null,
    condition: row.condition ?? null,
    forced: row.forced,
    primaryMetrics: row.primaryMetrics,
    guardrailMetrics: row.guardrailMetrics,
    analysis: row.analysis,
    decision: row.decision ?? null,
    environments: row.environments,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}

/** Variants as stored: names default to keys, no weights means an equal split. */
function normalizeVariants(input: NonNullable<UpdateExperimentRequest["variants"]>): StoredVariant[] {
  const equal = input.every((v) => v.weight === undefined);
  return input.map((v) => ({
    key: v.key,
    name: v.name ?? v.key,
    weight: equal ? 1 / input.length : v.weight!,
    ...(v.payload === undefined ? {} : { payload: v.payload }),
  }));
}

/** Same keys, weights and payloads in the same order (names are cosmetic). */
function sameVariants(a: StoredVariant[], b: StoredVariant[]): boolean {
  return (
    a.length === b.length &&
    a.every((v, i) => {
      const w = b[i]!;
      return (
        v.key === w.key && v.weight === w.weight && JSON.stringify(v.payload) === JSON.stringify(w.payload)
      );
    })
  );
}

async function checkReferences(db: Db, row: ExperimentInsert): Promise<void> {
  if (row.layerKey) {
    // Lock the layer row so two concurrent changes cannot both take the same slice.
    if (!(await findLayer(db, row.layerKey, true))) {
      throw fieldError(
        "layer.key",
        `layer "${row.layerKey}" does not exist; create it with POST /api/v1/layers`,
      );
    }
    await checkSliceFree(db, row.key, row.layerKey, row.layerLo!, row.layerHi!);
  }
  for (const field of ["primaryMetrics", "guardrailMetrics"] as const) {
    const keys = row[field] ?? [];
    const existing = await existingMetricKeys(db, keys);
    const index = keys.findIndex((k) => !existing.has(k));
    if (index >= 0) {
      throw fieldError(
        `${field}.${index}`,
        `metric "${keys[index]}" does not exist; create it with POST /api/v1/metrics`,
      );
    }
  }
  if (row.environments) {
    const known = new Set(await knownEnvironments(db));
    const index = row.environments.findIndex((e) => !known.has(e));
    if (index >= 0) {
      throw fieldError(
        `environments.${index}`,
        `unknown environment "${row.environments[index]}"; known: ${[...known].join(", ")} (create an SDK key for a new environment first)`,
      );
    }
  }
  const variantKeys = new Set((row.variants ?? []).map((v) => v.key));
  for (const [unitId, variant] of Object.entries(row.forced ?? {})) {
    if (!variantKeys.has(variant)) throw fieldError(`forced.${unitId}`, `unknown variant "${variant}"`);
  }
}

async function checkSliceFree(db: Db, key: string, layerKey: string, lo: number, hi: number): Promise<void> {
  for (const other of await findLayerSlices(db, layerKey, key)) {
    if (other.layerLo === null || other.layerHi === null) continue;
    if (lo < other.layerHi && other.layerLo < hi) {
      throw new AppError(
        409,
        "conflict",
        `layer slice [${lo}, ${hi}) of layer "${layerKey}" overlaps [${other.layerLo}, ${other.layerHi}) of ${other.status} experiment "${other.key}"`,
        { field: "layer.range", experiment: other.key },
      );
    }
  }
}

/** Creates a draft experiment (409 if the key exists, 400 for unknown layer/metrics). */
export async function createExperiment(
  deps: ExperimentsDeps,
  actor: Actor,
  input: CreateExperimentRequest,
): Promise<ExperimentResponse> {
  const row: ExperimentInsert = {
    key: input.key,
    name: input.name,
    hypothesis: input.hypothesis,
    status: "draft",
    seed: input.seed ?? input.key,
    unitAttribute: input.unitAttribute,
    variants: normalizeVariants(input.variants),
    coverage: input.coverage,
    layerKey: input.layer?.key ?? null,
    layerLo: input.layer?.range[0] ?? null,
    layerHi: input.layer?.range[1] ?? null,
    condition: input.condition,
    forced: input.forced,
    primaryMetrics: input.primaryMetrics,
    guardrailMetrics: input.guardrailMetrics,
    analysis: input.analysis,
  };
  const created = await deps.db.transaction(async (tx) => {
    row.environments = input.environments ?? (await knownEnvironments(tx));
    if (await findExperiment(tx, input.key)) {
      throw new AppError(409, "conflict", `experiment "${input.key}" already exists`, { field: "key" });
    }
    await checkReferences(tx, row);
    const inserted = await insertExperiment(tx, row);
    const after = toExperimentResponse(inserted);
    await insertAudit(tx, {
      actor: actor.label,
      action: "experiment.create",
      entityType: "experiment",
      entityKey: input.key,
      after,
    });
    return after;
  });
  deps.onChange?.();
  return created;
}

/** One experiment or 404. */
export async function getExperiment(deps: ExperimentsDeps, key: string): Promise<ExperimentResponse> {
  const row = await findExperiment(deps.db, key);
  if (!row) throw notFound(`experiment "${key}"`);
  return toExperimentResponse(row);
}

/** Experiments, optionally filtered by status. */
export async function listAllExperiments(
  deps: ExperimentsDeps,
  status?: ExperimentRow["status"],
): Promise<ExperimentResponse[]> {
  return (await listExperiments(deps.db, status)).map(toExperimentResponse);
}

const RUNNING_FROZEN =
  "would move users between variants and bias the results; stop it and start a new experiment";

/** Fields of a patch that are changes against the stored row. */
function changes(current: ExperimentRow, patch: UpdateExperimentRequest): Partial<ExperimentInsert> {
  const next: Partial<ExperimentInsert> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.hypothesis !== undefined) next.hypothesis = patch.hypothesis;
  if (patch.unitAttribute !== undefined) next.unitAttribute = patch.unitAttribute;
  if (patch.seed !== undefined) next.seed = patch.seed;
  if (patch.variants !== undefined) next.variants = normalizeVariants(patch.variants);
  if (patch.coverage !== undefined) next.coverage = patch.coverage;
  if (patch.layer !== undefined) {
    next.layerKey = patch.layer?.key ?? null;
    next.layerLo = patch.layer?.range[0] ?? null;
    next.layerHi = patch.layer?.range[1] ?? null;
  }
  if (patch.condition !== undefined) next.condition = patch.condition;
  if (patch.forced !== undefined) next.forced = patch.forced;
  if (patch.primaryMetrics !== undefined) next.primaryMetrics = patch.primaryMetrics;
  if (patch.guardrailMetrics !== undefined) next.guardrailMetrics = patch.guardrailMetrics;
  if (patch.analysis !== undefined) next.analysis = { ...current.analysis, ...patch.analysis };
  if (patch.environments !== undefined) next.environments = patch.environments;
  return next;
}

function checkRunningChange(current: ExperimentRow, next: Partial<ExperimentInsert>): void {
  const conflict = (field: string, message: string) => new AppError(409, "conflict", message, { field });
  if (next.variants && !sameVariants(current.variants, next.variants)) {
    throw conflict(
      "variants",
      `variants and weights of running experiment "${current.key}" cannot change: this ${RUNNING_FROZEN}`,
    );
  }
  if (next.seed !== undefined && next.seed !== current.seed) {
    throw conflict("seed", `the seed of a running experiment cannot change: this ${RUNNING_FROZEN}`);
  }
  if (next.unitAttribute !== undefined && next.unitAttribute !== current.unitAttribute) {
    throw conflict(
      "unitAttribute",
      `the unit attribute of a running experiment cannot change: this ${RUNNING_FROZEN}`,
    );
  }
  if (
    next.layerKey !== undefined &&
    (next.layerKey !== current.layerKey ||
      next.layerLo !== current.layerLo ||
      next.layerHi !== current.layerHi)
  ) {
    throw conflict("layer", `the layer slice of a running experiment cannot change: this ${RUNNING_FROZEN}`);
  }
  if (next.coverage !== undefined && next.coverage < current.coverage) {
    throw conflict(
      "coverage",
      `coverage of a running experiment may only go up (${current.coverage} -> ${next.coverage} would drop users already in it)`,
    );
  }
}

/**
 * Updates an experiment. Drafts: every field. Running: variants, weights, seed, unit
 * attribute and layer slice are frozen (409 with the reason), coverage only goes up; its
 * environments may change (an SDK key of a removed environment stops receiving it).
 * Stopped: name and hypothesis only. Archived: nothing.
 */
export function updateExperiment(
  deps: ExperimentsDeps,
  actor: Actor,
  key: string,
  patch: UpdateExperimentRequest,
): Promise<ExperimentResponse> {
  return transition(deps, actor, key, "update", async (current, tx) => {
    const next = changes(current, patch);
    if (current.status === "archived") {
      throw new AppError(409, "conflict", `experiment "${key}" is archived and cannot be changed`);
    }
    if (current.status === "stopped") {
      const other = Object.keys(patch).filter((f) => f !== "name" && f !== "hypothesis");
      if (other.length > 0) {
        throw new AppError(
          409,
          "conflict",
          `experiment "${key}" is stopped: only name and hypothesis can change (not ${other.join(", ")})`,
        );
      }
    }
    if (current.status === "running") checkRunningChange(current, next);
    const merged: ExperimentInsert = { ...current, ...next };
    await checkReferences(tx, merged);
    return next;
  });
}

/**
 * One change of an experiment in one transaction: lock the row, let `apply` check the rule
 * and return the new values, write them, and audit before/after as `experiment.<action>`.
 */
async function transition(
  deps: ExperimentsDeps,
  actor: Actor,
  key: string,
  action: "update" | "start" | "stop" | "archive",
  apply: (current: ExperimentRow, tx: Db) => Promise<Partial<ExperimentInsert>>,
): Promise<ExperimentResponse> {
  const result = await deps.db.transaction(async (tx) => {
    const current = await findExperiment(tx, key, true);
    if (!current) throw notFound(`experiment "${key}"`);
    const after = await updateExperimentRow(tx, key, await apply(current, tx));
    const response = toExperimentResponse(after);
    await insertAudit(tx, {
      actor: actor.label,
      action: `experiment.${action}`,
      entityType: "experiment",
      entityKey: key,
      before: toExperimentResponse(current),
      after: response,
    });
    return response;
  });
  deps.onChange?.();
  return result;
}

/** draft -> running (409 otherwise; re-checks the layer slice), now or at a backdated `startedAt`. */
export function startExperiment(
  deps: ExperimentsDeps,
  actor: Actor,
  key: string,
  input: StartExperimentRequest = undefined,
): Promise<ExperimentResponse> {
  return transition(deps, actor, key, "start", async (current, tx) => {
    if (current.status !== "draft") {
      throw new AppError(
        409,
        "conflict",
        `experiment "${key}" is ${current.status}: only draft experiments can be started`,
      );
    }
    await checkReferences(tx, current);
    return { status: "running", startedAt: input?.startedAt ? new Date(input.startedAt) : new Date() };
  });
}

/** running -> stopped with a decision (ship variant X / roll back / inconclusive) and a note. */
export function stopExperiment(
  deps: ExperimentsDeps,
  actor: Actor,
  key: string,
  input: StopExperimentRequest,
): Promise<ExperimentResponse> {
  return transition(deps, actor, key, "stop", async (current) => {
    if (current.status !== "running") {
      throw new AppError(
        409,
        "conflict",
        `experiment "${key}" is ${current.status}: only running experiments can be stopped`,
      );
    }
    if (input.variant && !current.variants.some((v) => v.key === input.variant)) {
      throw fieldError("variant", `experiment "${key}" has no variant "${input.variant}"`);
    }
    return {
      status: "stopped",
      stoppedAt: new Date(),
      decision: {
        outcome: input.decision,
        ...(input.variant ? { variant: input.variant } : {}),
        note: input.note,
      },
    };
  });
}

/** draft or stopped -> archived (a running experiment must be stopped first). */
export function archiveExperiment(
  deps: ExperimentsDeps,
  actor: Actor,
  key: string,
): Promise<ExperimentResponse> {
  return transition(deps, actor, key, "archive", async (current) => {
    if (current.status === "running") {
      throw new AppError(409, "conflict", `experiment "${key}" is running: stop it before archiving`);
    }
    if (current.status === "archived") {
      throw new AppError(409, "conflict", `experiment "${key}" is already archived`);
    }
    return { status: "archived", archivedAt: new Date() };
  });
}
