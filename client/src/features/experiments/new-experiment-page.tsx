import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useId, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, apiFetch } from "../../api/client.js";
import type { Experiment } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { formatCount, formatDays, formatPercent } from "../../ui/format.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { readPlannedExperiment } from "../planner/plan-url.js";
import styles from "./editor.module.css";
import {
  draftToRequest,
  type EditorDraft,
  editorFields,
  equalWeights,
  type FieldErrors,
  initialDraft,
  issuesToFieldErrors,
} from "./editor-model.js";
import { experimentKeys } from "./experiments-api.js";

interface MetricSummary {
  key: string;
  name: string;
  type: string;
}

/** A labelled input with its hint and error, wired with aria-describedby / aria-invalid. */
function Field(props: {
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (a: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
}) {
  const id = useId();
  const described = [props.hint ? `${id}-hint` : "", props.error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        ...(described ? { "aria-describedby": described } : {}),
        ...(props.error ? { "aria-invalid": true } : {}),
      })}
      {props.hint && (
        <span id={`${id}-hint`} className={styles.hint}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span id={`${id}-error`} className={styles.error}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** The editor: creates a draft experiment, prefilled from the planner when it hands over a plan. */
export function NewExperimentPage() {
  useDocumentTitle("New experiment");
  const [params] = useSearchParams();
  const planned = useMemo(() => readPlannedExperiment(params), [params]);
  const [draft, setDraft] = useState<EditorDraft>(() => initialDraft(planned));
  const [errors, setErrors] = useState<FieldErrors>({});
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const metrics = useQuery({
    queryKey: ["metrics", "list"],
    queryFn: ({ signal }) => apiFetch<{ metrics: MetricSummary[] }>("/api/v1/metrics", { signal }),
    select: (d) => d.metrics,
  });
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      apiFetch<Experiment>("/api/v1/experiments", { method: "POST", body }),
    onSuccess: async (experiment) => {
      await queryClient.invalidateQueries({ queryKey: experimentKeys.all });
      navigate(`/experiments/${encodeURIComponent(experiment.key)}`);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400 && error.code === "validation_failed") {
        setErrors(issuesToFieldErrors(error.details, editorFields(draft.variants.length)));
      } else if (error instanceof ApiError && error.status === 409) {
        setErrors({ key: error.message });
      } else setErrors({ form: error.message });
    },
  });

  const set = <K extends keyof EditorDraft>(k: K, v: EditorDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setVariant = (i: number, patch: Partial<EditorDraft["variants"][number]>) =>
    setDraft((d) => ({ ...d, variants: d.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) }));
  const toggle = (list: "primaryMetrics" | "guardrailMetrics", key: string, on: boolean) =>
    setDraft((d) => ({ ...d, [list]: on ? [...d[list], key] : d[list].filter((m) => m !== key) }));

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const result = draftToRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    create.mutate(result.body);
  };
  const errorCount = Object.keys(errors).length;

  return (
    <section aria-labelledby="editor-title">
      <h1 id="editor-title">New experiment</h1>
      {planned && (
        <p className={styles.note} role="note" data-testid="planned">
          Prefilled from the <Link to={`/planner?${params.toString()}`}>planner</Link>:{" "}
          {planned.plan.variants} variants, {planned.weights.map((w) => formatPercent(w)).join(" / ")}; alpha{" "}
          {formatPercent(planned.plan.alpha)}; coverage {formatPercent(planned.plan.coverage)}; sequential{" "}
          {planned.plan.sequential ? "on" : "off"}. The plan needs {formatCount(planned.perVariant)} units per
          variant, {formatDays(planned.days)}.
        </p>
      )}
      <form className={styles.form} onSubmit={submit} noValidate aria-describedby="editor-summary">
        <div id="editor-summary" aria-live="polite">
          {errorCount > 0 && (
            <p className={styles.error} role="alert">
              {errors.form ??
                `${errorCount} field${errorCount === 1 ? "" : "s"} to fix before the draft can be saved.`}
            </p>
          )}
        </div>
        <fieldset className={styles.fieldset}>
          <legend>Basics</legend>
          <Field
            label="Key"
            hint="Used by the SDK; a-z, 0-9, - and _. Cannot change later."
            error={errors.key}
          >
            {(a) => (
              <input
                {...a}
                className={styles.mono}
                value={draft.key}
                onChange={(e) => set("key", e.target.value)}
              />
            )}
          </Field>
          <Field label="Name" error={errors.name}>
            {(a) => <input {...a} value={draft.name} onChange={(e) => set("name", e.target.value)} />}
          </Field>
          <Field
            label="Hypothesis"
            hint="What you change, what you expect, and why."
            error={errors.hypothesis}
          >
            {(a) => (
              <textarea
                {...a}
                rows={3}
                value={draft.hypothesis}
                onChange={(e) => set("hypothesis", e.target.value)}
              />
            )}
          </Field>
        </fieldset>

        <fieldset className={styles.fieldset}>
          <legend>Variants</legend>
          <p className={styles.hint}>
            The first variant is the control. Weights are shares of the covered traffic and must sum to 1.
          </p>
          {draft.variants.map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (the server's paths are indexes)
            <fieldset key={i} className={styles.variant}>
              <legend className="visually-hidden">{`Variant ${i + 1}`}</legend>
              <Field
                label={`Variant ${i + 1} key`}
                error={errors[`variants.${i}.key`] ?? errors[`variants.${i}`]}
              >
                {(a) => (
                  <input
                    {...a}
                    className={styles.mono}
                    value={v.key}
                    onChange={(e) => setVariant(i, { key: e.target.value })}
                  />
                )}
              </Field>
              <Field label={`Variant ${i + 1} name`} error={errors[`variants.${i}.name`]}>
                {(a) => (
                  <input {...a} value={v.name} onChange={(e) => setVariant(i, { name: e.target.value })} />
                )}
              </Field>
              <Field label={`Variant ${i + 1} weight`} error={errors[`variants.${i}.weight`]}>
                {(a) => (
                  <input
                    {...a}
                    inputMode="decimal"
                    value={v.weight}
                    onChange={(e) => setVariant(i, { weight: e.target.value })}
                  />
                )}
              </Field>
              <Field
                label={`Variant ${i + 1} payload (JSON, optional)`}
                error={errors[`variants.${i}.payload`]}
              >
                {(a) => (
                  <input
                    {...a}
                    className={styles.mono}
                    value={v.payload}
                    placeholder='{"color": "green"}'
                    onChange={(e) => setVariant(i, { payload: e.target.value })}
                  />
                )}
              </Field>
              <Button
                variant="ghost"
                aria-label={`Remove variant ${i + 1}`}
                disabled={draft.variants.length <= 2}
                onClick={() =>
                  set(
                    "variants",
                    draft.variants.filter((_, j) => j !== i),
                  )
                }
              >
                Remove
              </Button>
            </fieldset>
          ))}
          {errors.variants && (
            <p className={styles.error} role="alert">
              {errors.variants}
            </p>
          )}
          <div className={styles.row}>
            <Button
              disabled={draft.variants.length >= 10}
              onClick={() =>
                set("variants", [
                  ...draft.variants,
                  { key: `treatment-${draft.variants.length}`, name: "", weight: "", payload: "" },
                ])
              }
            >
              Add variant
            </Button>
            <Button
              onClick={() => {
                const w = equalWeights(draft.variants.length);
                set(
                  "variants",
                  draft.variants.map((v, i) => ({ ...v, weight: w[i] ?? "" })),
                );
              }}
            >
              Equal split
            </Button>
          </div>
        </fieldset>

        <fieldset className={styles.fieldset}>
          <legend>Who is in it</legend>
          <Field
            label="Coverage"
            hint="Share of eligible units in the experiment, 0 to 1 (1 = all)."
            error={errors.coverage}
          >
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={draft.coverage}
                onChange={(e) => set("coverage", e.target.value)}
              />
            )}
          </Field>
          <Field
            label="Targeting condition (JSON, optional)"
            hint='MongoDB-style, e.g. {"country": {"$in": ["US", "CA"]}}. Empty = everyone. The server checks it with the SDK grammar.'
            error={errors.condition}
          >
            {(a) => (
              <textarea
                {...a}
                rows={3}
                className={styles.mono}
                value={draft.condition}
                onChange={(e) => set("condition", e.target.value)}
              />
            )}
          </Field>
        </fieldset>

        <fieldset className={styles.fieldset}>
          <legend>Metrics</legend>
          {metrics.isPending && <p>Loading metrics…</p>}
          {metrics.error && <p className={styles.error}>Metrics cannot be loaded: {metrics.error.message}</p>}
          {metrics.data && metrics.data.length === 0 && (
            <p className={styles.hint}>
              No metrics yet: create one in <Link to="/settings">Settings</Link>.
            </p>
          )}
          {(["primaryMetrics", "guardrailMetrics"] as const).map((list) => (
            <fieldset key={list} className={styles.fieldset}>
              <legend>
                {list === "primaryMetrics" ? "Primary (decide on these)" : "Guardrails (must not get worse)"}
              </legend>
              <div className={styles.checks}>
                {metrics.data?.map((m) => (
                  <label key={m.key}>
                    <input
                      type="checkbox"
                      checked={draft[list].includes(m.key)}
                      onChange={(e) => toggle(list, m.key, e.target.checked)}
                    />{" "}
                    {m.name}{" "}
                    <span className={styles.hint}>
                      ({m.key}, {m.type})
                    </span>
                  </label>
                ))}
              </div>
              {errors[list] && <p className={styles.error}>{errors[list]}</p>}
            </fieldset>
          ))}
        </fieldset>

        <fieldset className={styles.fieldset}>
          <legend>Analysis</legend>
          <Field
            label="Alpha"
            hint="False-positive rate you accept per comparison; 0.05 = 5 %."
            error={errors["analysis.alpha"] ?? errors.analysis}
          >
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={draft.alpha}
                onChange={(e) => set("alpha", e.target.value)}
              />
            )}
          </Field>
          <label>
            <input
              type="checkbox"
              checked={draft.sequential}
              onChange={(e) => set("sequential", e.target.checked)}
            />{" "}
            Sequential (always-valid intervals: you may look at the results any time)
          </label>
          <Field
            label="Multiple-comparison correction"
            hint="Holm and Benjamini-Hochberg adjust p-values when there are several variants or metrics."
          >
            {(a) => (
              <select
                {...a}
                value={draft.correction}
                onChange={(e) => set("correction", e.target.value as EditorDraft["correction"])}
              >
                <option value="holm">Holm (family-wise error)</option>
                <option value="bh">Benjamini-Hochberg (false discovery rate)</option>
                <option value="none">None</option>
              </select>
            )}
          </Field>
        </fieldset>
        <div className={styles.row}>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Create draft"}
          </Button>
          <Link to="/experiments">Cancel</Link>
        </div>
      </form>
    </section>
  );
}
