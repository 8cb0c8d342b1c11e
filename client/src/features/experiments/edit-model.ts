/**
 * Editing a stored experiment: its draft, which fields its status locks and why, and the PATCH
 * body that sends only what the server lets change (`updateExperiment` in
 * server/src/features/experiments/experiments.service.ts).
 */
import type { Experiment } from "../../api/types.js";
import { conditionToBuilder } from "./condition-model.js";
import { buildRequest, type EditorDraft, type FieldErrors } from "./editor-model.js";

/** A stored experiment as a draft of the form (the condition in the builder when it fits). */
export function experimentToDraft(e: Experiment): EditorDraft {
  const builder = conditionToBuilder(e.condition);
  return {
    key: e.key,
    name: e.name,
    hypothesis: e.hypothesis,
    variants: e.variants.map((v) => ({
      key: v.key,
      name: v.name,
      weight: String(v.weight),
      payload: v.payload === undefined ? "" : JSON.stringify(v.payload),
    })),
    coverage: String(e.coverage),
    unitAttribute: e.unitAttribute,
    layerKey: e.layer?.key ?? "",
    layerFrom: String(e.layer?.range[0] ?? 0),
    layerTo: String(e.layer?.range[1] ?? 1),
    conditionMode: builder ? "builder" : "json",
    builder: builder ?? { join: "and", items: [] },
    condition: e.condition ? JSON.stringify(e.condition, null, 2) : "",
    forced: Object.entries(e.forced).map(([unitId, variant]) => ({ unitId, variant })),
    primaryMetrics: [...e.primaryMetrics],
    guardrailMetrics: [...e.guardrailMetrics],
    environments: [...e.environments],
    alpha: String(e.analysis.alpha),
    sequential: e.analysis.sequential,
    correction: e.analysis.correction,
  };
}

/** Form sections that a status can lock. */
export type LockableField =
  | "variants"
  | "unitAttribute"
  | "layer"
  | "coverage"
  | "condition"
  | "forced"
  | "metrics"
  | "environments"
  | "analysis";

const MOVES_UNITS =
  "Locked while it runs: changing it would move units between variants and bias the results. Stop it and start a new experiment instead.";
const STOPPED =
  "Locked: the experiment is stopped, so its results are final. Only the name and the hypothesis can change.";
const ARCHIVED = "Locked: the experiment is archived and cannot change.";

/**
 * Why each field is read-only for an experiment in this status (the rules the server enforces
 * in `updateExperiment`, experiments.service.ts): running freezes variants, weights, payloads,
 * the unit attribute and the layer slice, and lets coverage only go up; stopped leaves name
 * and hypothesis; archived nothing. Coverage of a running experiment is not locked but has
 * a floor, checked by {@link draftToPatch}.
 */
export function lockedFields(status: Experiment["status"]): Partial<Record<LockableField, string>> {
  if (status === "draft") return {};
  if (status === "running") return { variants: MOVES_UNITS, unitAttribute: MOVES_UNITS, layer: MOVES_UNITS };
  const reason = status === "stopped" ? STOPPED : ARCHIVED;
  const all: LockableField[] = [
    "variants",
    "unitAttribute",
    "layer",
    "coverage",
    "condition",
    "forced",
    "metrics",
    "environments",
    "analysis",
  ];
  return Object.fromEntries(all.map((f) => [f, reason]));
}

/**
 * The PATCH body for an edited experiment: every field of a draft; of a running one only what
 * the server lets change (name, hypothesis, coverage up, condition, forced, metrics, environments,
 * analysis);
 * of a stopped one name and hypothesis. Field errors as {@link draftToRequest}, plus the
 * coverage floor of a running experiment.
 */
export function draftToPatch(
  draft: EditorDraft,
  current: Experiment,
): { ok: true; body: Record<string, unknown> } | { ok: false; errors: FieldErrors } {
  const full = buildRequest({ ...draft, key: current.key });
  const locks = lockedFields(current.status);
  const errors: FieldErrors = { ...full.errors };
  // Errors of locked fields cannot be fixed by the user and are not sent: drop them.
  for (const field of Object.keys(errors)) {
    const section = field.split(".")[0]!;
    const lock = section === "primaryMetrics" || section === "guardrailMetrics" ? "metrics" : section;
    if (lock in locks) delete errors[field];
  }
  if (current.status === "running" && !errors.coverage && Number(draft.coverage) < current.coverage) {
    errors.coverage = `coverage of a running experiment may only go up (it is ${current.coverage}; lowering it would drop units already in it)`;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const { key: _key, ...body } = full.body;
  const allowed: Record<Experiment["status"], string[] | null> = {
    draft: null,
    running: [
      "name",
      "hypothesis",
      "coverage",
      "condition",
      "forced",
      "primaryMetrics",
      "guardrailMetrics",
      "environments",
      "analysis",
    ],
    stopped: ["name", "hypothesis"],
    archived: [],
  };
  const keep = allowed[current.status];
  return {
    ok: true,
    body: keep ? Object.fromEntries(Object.entries(body).filter(([k]) => keep.includes(k))) : body,
  };
}
