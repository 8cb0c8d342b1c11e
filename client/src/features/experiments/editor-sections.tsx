import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { apiFetch } from "../../api/client.js";
import type { EnvironmentList, LayerList } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import type { LockableField } from "./edit-model.js";
import styles from "./editor.module.css";
import { Field } from "./editor-field.js";
import type { EditorDraft, FieldErrors } from "./editor-model.js";

/** What every section receives from the form. */
export interface SectionProps {
  draft: EditorDraft;
  errors: FieldErrors;
  locks: Partial<Record<LockableField, string>>;
  update: (patch: Partial<EditorDraft>) => void;
}

/** A section that a status may lock as a whole (a disabled fieldset with the reason). */
export function Section(props: { legend: string; locked?: string | undefined; children: React.ReactNode }) {
  const id = useId();
  return (
    <fieldset
      className={styles.fieldset}
      disabled={props.locked !== undefined}
      aria-describedby={props.locked ? `${id}-lock` : undefined}
    >
      <legend>{props.legend}</legend>
      {props.locked && (
        <p id={`${id}-lock`} className={styles.lock}>
          {props.locked}
        </p>
      )}
      {props.children}
    </fieldset>
  );
}

const UNIT_ATTRIBUTES = ["id", "userId", "deviceId", "anonymousId", "accountId", "sessionId"];

/** Unit attribute and layer slice (both frozen once running). */
export function UnitAndLayer({ draft, errors, locks, update }: SectionProps) {
  const listId = useId();
  const layers = useQuery({
    queryKey: ["layers", "list"],
    queryFn: ({ signal }) => apiFetch<LayerList>("/api/v1/layers", { signal }),
    select: (d) => d.layers,
  });
  const layer = layers.data?.find((l) => l.key === draft.layerKey);
  const taken = (layer?.experiments ?? []).filter((e) => e.key !== draft.key && e.status !== "archived");
  return (
    <>
      <Field
        label="Unit attribute"
        hint="The user attribute whose value is hashed into a variant: id, userId, deviceId… The SDK user must carry it."
        error={errors.unitAttribute}
        locked={locks.unitAttribute}
      >
        {(a) => (
          <>
            <input
              {...a}
              className={styles.mono}
              list={listId}
              value={draft.unitAttribute}
              onChange={(e) => update({ unitAttribute: e.target.value })}
            />
            <datalist id={listId}>
              {UNIT_ATTRIBUTES.map((u) => (
                <option key={u} value={u} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field
        label="Layer"
        hint="Experiments in one layer never share a unit: each owns a slice of the layer's buckets."
        error={errors.layer ?? errors["layer.key"]}
        locked={locks.layer}
      >
        {(a) => (
          <select {...a} value={draft.layerKey} onChange={(e) => update({ layerKey: e.target.value })}>
            <option value="">No layer (independent of other experiments)</option>
            {layers.data?.map((l) => (
              <option key={l.key} value={l.key}>
                {l.name} ({l.key})
              </option>
            ))}
          </select>
        )}
      </Field>
      {layers.error && <p className={styles.error}>Layers cannot be loaded: {layers.error.message}</p>}
      {draft.layerKey !== "" && (
        <div className={styles.row}>
          <Field
            label="Slice from"
            hint="Start of the slice, 0 to 1 (inclusive)."
            error={errors["layer.range.0"]}
            locked={locks.layer}
          >
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={draft.layerFrom}
                onChange={(e) => update({ layerFrom: e.target.value })}
              />
            )}
          </Field>
          <Field
            label="Slice to"
            hint="End of the slice, 0 to 1 (exclusive)."
            error={errors["layer.range.1"] ?? errors["layer.range"]}
            locked={locks.layer}
          >
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={draft.layerTo}
                onChange={(e) => update({ layerTo: e.target.value })}
              />
            )}
          </Field>
          <p className={styles.hint} data-testid="layer-taken">
            {taken.length === 0
              ? "No other experiment holds a slice of this layer."
              : `Taken: ${taken.map((t) => `[${t.range[0]}, ${t.range[1]}) by ${t.key} (${t.status})`).join("; ")}.`}
          </p>
        </div>
      )}
    </>
  );
}

/** Forced overrides: unit id -> variant (QA, demos); never logged as exposures. */
export function ForcedOverrides({ draft, errors, locks, update }: SectionProps) {
  const set = (i: number, patch: Partial<EditorDraft["forced"][number]>) =>
    update({ forced: draft.forced.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  return (
    <Section legend="Forced overrides" locked={locks.forced}>
      <p className={styles.hint}>
        These units always get the chosen variant (for QA and demos); they are never counted in the results.
      </p>
      {draft.forced.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <fieldset key={i} className={styles.pairs}>
          <legend className="visually-hidden">{`Override ${i + 1}`}</legend>
          <Field label={`Override ${i + 1} unit id`} error={errors[`forced.${i}.unitId`]}>
            {(a) => (
              <input
                {...a}
                className={styles.mono}
                value={f.unitId}
                onChange={(e) => set(i, { unitId: e.target.value })}
              />
            )}
          </Field>
          <Field label={`Override ${i + 1} variant`} error={errors[`forced.${i}.variant`]}>
            {(a) => (
              <select {...a} value={f.variant} onChange={(e) => set(i, { variant: e.target.value })}>
                <option value="">Choose…</option>
                {draft.variants.map((v) => (
                  <option key={v.key} value={v.key}>
                    {v.name || v.key} ({v.key})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Button
            variant="ghost"
            aria-label={`Remove override ${i + 1}`}
            onClick={() => update({ forced: draft.forced.filter((_, j) => j !== i) })}
          >
            Remove
          </Button>
        </fieldset>
      ))}
      {errors.forced && <p className={styles.error}>{errors.forced}</p>}
      <div className={styles.row}>
        <Button
          disabled={draft.forced.length >= 1000}
          onClick={() =>
            update({ forced: [...draft.forced, { unitId: "", variant: draft.variants[0]?.key ?? "" }] })
          }
        >
          Add override
        </Button>
      </div>
    </Section>
  );
}

/**
 * Which environments' SDK keys receive the experiment: the server's known environments
 * (`GET /api/v1/environments`: production, staging and every SDK key's), ticked. A new
 * experiment starts with all of them (the server's default).
 */
export function Environments({ draft, errors, locks, update }: SectionProps) {
  const environments = useQuery({
    queryKey: ["environments"],
    queryFn: ({ signal }) => apiFetch<EnvironmentList>("/api/v1/environments", { signal }),
    select: (d) => d.environments,
  });
  const known = [...new Set([...(environments.data ?? []), ...(draft.environments ?? [])])];
  const enabled = draft.environments ?? known;
  const hintId = useId();
  return (
    <Section legend="Environments" locked={locks.environments}>
      <p id={hintId} className={styles.hint}>
        SDK keys of a ticked environment receive the experiment; traffic from other environments never reaches
        its reports (results show production unless another environment is chosen).
      </p>
      <div className={styles.checks} aria-describedby={hintId}>
        {known.map((env) => (
          <label key={env}>
            <input
              type="checkbox"
              checked={enabled.includes(env)}
              onChange={(e) =>
                update({
                  environments: e.target.checked
                    ? [...enabled.filter((x) => x !== env), env]
                    : enabled.filter((x) => x !== env),
                })
              }
            />{" "}
            {env}
          </label>
        ))}
      </div>
      {errors.environments && <p className={styles.error}>{errors.environments}</p>}
    </Section>
  );
}
