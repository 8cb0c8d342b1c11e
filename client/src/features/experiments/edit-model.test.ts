import { describe, expect, it } from "vitest";
import type { Experiment } from "../../api/types.js";
import { draftToPatch, experimentToDraft, lockedFields } from "./edit-model.js";

const experiment = (status: Experiment["status"]): Experiment => ({
  key: "checkout",
  name: "Checkout",
  hypothesis: "",
  status,
  seed: "checkout",
  hashVersion: 1,
  unitAttribute: "userId",
  variants: [
    { key: "control", name: "Control", weight: 0.5 },
    { key: "treatment", name: "Treatment", weight: 0.5, payload: { color: "green" } },
  ],
  coverage: 0.5,
  layer: { key: "checkout", range: [0, 0.5] },
  condition: { country: { $in: ["US"] } },
  forced: { "qa-1": "treatment" },
  primaryMetrics: ["purchase"],
  guardrailMetrics: [],
  environments: ["production", "staging"],
  analysis: { alpha: 0.05, sequential: false, correction: "holm" },
  decision: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  startedAt: null,
  stoppedAt: null,
  archivedAt: null,
});

describe("editing an experiment (the server's rules in updateExperiment)", () => {
  it("a draft sends every field back as it was", () => {
    const result = draftToPatch(experimentToDraft(experiment("draft")), experiment("draft"));
    expect(result).toEqual({
      ok: true,
      body: {
        name: "Checkout",
        hypothesis: "",
        variants: [
          { key: "control", name: "Control", weight: 0.5 },
          { key: "treatment", name: "Treatment", weight: 0.5, payload: { color: "green" } },
        ],
        coverage: 0.5,
        unitAttribute: "userId",
        layer: { key: "checkout", range: [0, 0.5] },
        condition: { country: { $in: ["US"] } },
        forced: { "qa-1": "treatment" },
        primaryMetrics: ["purchase"],
        guardrailMetrics: [],
        environments: ["production", "staging"],
        analysis: { alpha: 0.05, sequential: false, correction: "holm" },
      },
    });
  });

  it("running: variants, unit attribute and layer locked and not sent; coverage only up", () => {
    const running = experiment("running");
    expect(Object.keys(lockedFields("running")).sort()).toEqual(["layer", "unitAttribute", "variants"]);
    const draft = { ...experimentToDraft(running), unitAttribute: "", coverage: "0.6" };
    draft.variants = draft.variants.map((v) => ({ ...v, weight: "0.9" })); // locked: its error is not the user's
    const result = draftToPatch(draft, running);
    expect(result.ok && Object.keys(result.body).sort()).toEqual([
      "analysis",
      "condition",
      "coverage",
      "environments",
      "forced",
      "guardrailMetrics",
      "hypothesis",
      "name",
      "primaryMetrics",
    ]);
    expect(draftToPatch({ ...draft, coverage: "0.4" }, running)).toEqual({
      ok: false,
      errors: {
        coverage:
          "coverage of a running experiment may only go up (it is 0.5; lowering it would drop units already in it)",
      },
    });
  });

  it("stopped: only name and hypothesis; archived: nothing", () => {
    const stopped = experiment("stopped");
    const result = draftToPatch({ ...experimentToDraft(stopped), name: "Renamed" }, stopped);
    expect(result).toEqual({ ok: true, body: { name: "Renamed", hypothesis: "" } });
    expect(Object.keys(lockedFields("stopped"))).toContain("condition");
    expect(lockedFields("archived").metrics).toMatch(/archived/);
    expect(lockedFields("stopped").environments).toMatch(/stopped/);
  });

  it("environments: a running experiment can change them, never to none", () => {
    const running = experiment("running");
    const draft = { ...experimentToDraft(running), environments: ["staging"] };
    const result = draftToPatch(draft, running);
    expect(result.ok && result.body.environments).toEqual(["staging"]);
    expect(draftToPatch({ ...draft, environments: [] }, running)).toEqual({
      ok: false,
      errors: { environments: "enable it in at least one environment (or its SDK keys never receive it)" },
    });
  });
});
