import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Link } from "react-router";
import { apiFetch } from "../../api/client.js";
import type { MetricList } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { ConditionBuilder } from "./condition-builder.js";
import { CreateMetricDialog } from "./create-metric-dialog.js";
import type { LockableField } from "./edit-model.js";
import styles from "./editor.module.css";
import { Field } from "./editor-field.js";
import { type EditorDraft, equalWeights, type FieldErrors } from "./editor-model.js";
import { Environments, ForcedOverrides, Section, UnitAndLayer } from "./editor-sections.js";

/** Props of {@link EditorForm}. */
export interface EditorFormProps {
  draft: EditorDraft;
  setDraft: (update: (d: EditorDraft) => EditorDraft) => void;
  errors: FieldErrors;
  /** Why a field is read-only (the experiment's status). */
  locks: Partial<Record<LockableField, string>>;
  /** Editing an existing experiment: the key is shown, not editable; name and hypothesis may be. */
  existing: boolean;
  submitLabel: string;
  pending: boolean;
  /** False when nothing can change (archived): the save button is disabled. */
  canSave?: boolean;
  onSubmit: () => void;
  cancelTo: string;
  /** Shown above the first section (the planner's note). */
  children?: ReactNode;
}

/** The experiment form shared by the new and edit pages. */
export function EditorForm(props: EditorFormProps) {
  const { draft, errors, locks } = props;
  const [metricDialog, setMetricDialog] = useState<"primaryMetrics" | "guardrailMetrics" | null>(null);
  const update = (patch: Partial<EditorDraft>) => props.setDraft((d) => ({ ...d, ...patch }));
  const setVariant = (i: number, patch: Partial<EditorDraft["variants"][number]>) =>
    props.setDraft((d) => ({ ...d, variants: d.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)) }));
  const toggle = (list: "primaryMetrics" | "guardrailMetrics", key: string, on: boolean) =>
    props.setDraft((d) => ({ ...d, [list]: on ? [...d[list], key] : d[list].filter((m) => m !== key) }));
  const metrics = useQuery({
    queryKey: ["metrics", "list"],
    queryFn: ({ signal }) => apiFetch<MetricList>("/api/v1/metrics", { signal }),
    select: (d) => d.metrics,
  });
  const errorCount = Object.keys(errors).length;
  const section = { draft, errors, locks, update };
  const frozen = locks.variants !== undefined;
  // Each variant input is disabled (the reason is said once, at the section).
  const lockNote = frozen ? "" : undefined;

  return (
    <>
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
        noValidate
        aria-describedby="editor-summary"
      >
        <div id="editor-summary" aria-live="polite">
          {errorCount > 0 && (
            <p className={styles.error} role="alert">
              {errors.form ??
                `${errorCount} field${errorCount === 1 ? "" : "s"} to fix before it can be saved.`}
            </p>
          )}
        </div>
        {props.children}
        <fieldset className={styles.fieldset}>
          <legend>Basics</legend>
          {props.existing ? (
            <p>
              Key <code>{draft.key}</code>{" "}
              <span className={styles.hint}>(the SDK's name for it; it never changes)</span>
            </p>
          ) : (
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
                  onChange={(e) => update({ key: e.target.value })}
                />
              )}
            </Field>
          )}
          <Field label="Name" error={errors.name}>
            {(a) => <input {...a} value={draft.name} onChange={(e) => update({ name: e.target.value })} />}
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
                onChange={(e) => update({ hypothesis: e.target.value })}
              />
            )}
          </Field>
        </fieldset>

        <Section legend="Variants" locked={locks.variants}>
          <p className={styles.hint}>
            The first variant is the control. Weights are shares of the covered traffic and must sum to 1.
          </p>
          {draft.variants.map((v, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (the server's paths are indexes)
            <fieldset key={i} className={styles.variant}>
              <legend className="visually-hidden">{`Variant ${i + 1}`}</legend>
              <Field
                locked={lockNote}
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
              <Field locked={lockNote} label={`Variant ${i + 1} name`} error={errors[`variants.${i}.name`]}>
                {(a) => (
                  <input {...a} value={v.name} onChange={(e) => setVariant(i, { name: e.target.value })} />
                )}
              </Field>
              <Field
                locked={lockNote}
                label={`Variant ${i + 1} weight`}
                error={errors[`variants.${i}.weight`]}
              >
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
                locked={lockNote}
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
                disabled={frozen || draft.variants.length <= 2}
                onClick={() => update({ variants: draft.variants.filter((_, j) => j !== i) })}
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
              disabled={frozen || draft.variants.length >= 10}
              onClick={() =>
                update({
                  variants: [
                    ...draft.variants,
                    { key: `treatment-${draft.variants.length}`, name: "", weight: "", payload: "" },
                  ],
                })
              }
            >
              Add variant
            </Button>
            <Button
              disabled={frozen}
              onClick={() => {
                const w = equalWeights(draft.variants.length);
                update({ variants: draft.variants.map((v, i) => ({ ...v, weight: w[i] ?? "" })) });
              }}
            >
              Equal split
            </Button>
          </div>
        </Section>

        <Section legend="Who is in it">
          <Field
            label="Coverage"
            hint={
              props.existing && locks.coverage === undefined && locks.variants !== undefined
                ? "Share of eligible units in the experiment, 0 to 1. While it runs it can only go up (lowering would drop units already in it)."
                : "Share of eligible units in the experiment, 0 to 1 (1 = all)."
            }
            error={errors.coverage}
            locked={locks.coverage}
          >
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={draft.coverage}
                onChange={(e) => update({ coverage: e.target.value })}
              />
            )}
          </Field>
          <UnitAndLayer {...section} />
        </Section>

        <ConditionBuilder
          mode={draft.conditionMode}
          builder={draft.builder}
          text={draft.condition}
          errors={errors}
          locked={locks.condition}
          onChange={(next) =>
            update({ conditionMode: next.mode, builder: next.builder, condition: next.text })
          }
        />

        <ForcedOverrides {...section} />

        <Environments {...section} />

        <Section legend="Metrics" locked={locks.metrics}>
          {metrics.isPending && <p>Loading metrics…</p>}
          {metrics.error && <p className={styles.error}>Metrics cannot be loaded: {metrics.error.message}</p>}
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
                {metrics.data?.length === 0 && <span className={styles.hint}>No metrics yet.</span>}
              </div>
              {errors[list] && <p className={styles.error}>{errors[list]}</p>}
              <div className={styles.row}>
                <Button onClick={() => setMetricDialog(list)}>
                  {list === "primaryMetrics" ? "New primary metric…" : "New guardrail metric…"}
                </Button>
              </div>
            </fieldset>
          ))}
        </Section>

        <Section legend="Analysis" locked={locks.analysis}>
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
                onChange={(e) => update({ alpha: e.target.value })}
              />
            )}
          </Field>
          <label>
            <input
              type="checkbox"
              checked={draft.sequential}
              onChange={(e) => update({ sequential: e.target.checked })}
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
                onChange={(e) => update({ correction: e.target.value as EditorDraft["correction"] })}
              >
                <option value="holm">Holm (family-wise error)</option>
                <option value="bh">Benjamini-Hochberg (false discovery rate)</option>
                <option value="none">None</option>
              </select>
            )}
          </Field>
        </Section>
        <div className={styles.row}>
          <Button type="submit" variant="primary" disabled={props.pending || props.canSave === false}>
            {props.pending ? "Saving…" : props.submitLabel}
          </Button>
          <Link to={props.cancelTo}>Cancel</Link>
        </div>
      </form>
      <CreateMetricDialog
        open={metricDialog !== null}
        list={metricDialog === "guardrailMetrics" ? "guardrail" : "primary"}
        onClose={() => setMetricDialog(null)}
        onCreated={(metric) => {
          const list = metricDialog ?? "primaryMetrics";
          props.setDraft((d) => ({
            ...d,
            [list]: d[list].includes(metric.key) ? d[list] : [...d[list], metric.key],
          }));
          setMetricDialog(null);
        }}
      />
    </>
  );
}
