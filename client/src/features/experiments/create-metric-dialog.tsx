import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ApiError, apiFetch } from "../../api/client.js";
import type { Metric } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { Dialog } from "../../ui/dialog.js";
import styles from "./editor.module.css";
import { Field } from "./editor-field.js";
import { type FieldErrors, issuesToFieldErrors } from "./editor-model.js";

const METRIC_FIELDS = [
  "key",
  "name",
  "eventName",
  "type",
  "direction",
  "windowHours",
  "cap",
  "cupedLookbackDays",
  "description",
];
const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * "Create a metric" without leaving the editor: a modal dialog (focus kept inside, Escape
 * closes) posting `POST /api/v1/metrics`; the created metric is handed to `onCreated` (the
 * editor selects it) and the metrics list is refetched. The server's 400 appears at its field.
 */
export function CreateMetricDialog(props: {
  open: boolean;
  /** Which list the new metric joins ("primary" or "guardrail"), for the title. */
  list: string;
  onClose: () => void;
  onCreated: (metric: Metric) => void;
}) {
  const titleId = useId();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    key: "",
    name: "",
    eventName: "",
    type: "binomial" as Metric["type"],
    direction: "increase" as Metric["direction"],
    cupedLookbackDays: "14",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation({
    mutationFn: () =>
      apiFetch<Metric>("/api/v1/metrics", {
        method: "POST",
        body: { ...form, cupedLookbackDays: Number(form.cupedLookbackDays) },
      }),
    onSuccess: async (metric) => {
      await queryClient.invalidateQueries({ queryKey: ["metrics"] });
      setForm({
        key: "",
        name: "",
        eventName: "",
        type: "binomial",
        direction: "increase",
        cupedLookbackDays: "14",
      });
      setErrors({});
      props.onCreated(metric);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 400) {
        setErrors(issuesToFieldErrors(error.details, METRIC_FIELDS));
      } else if (error instanceof ApiError && error.status === 409) setErrors({ key: error.message });
      else setErrors({ form: error.message });
    },
  });
  const set = (k: keyof typeof form, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const local: FieldErrors = {};
    if (!SLUG.test(form.key)) local.key = "use a-z, 0-9, - and _ (start with a letter or digit)";
    if (form.name.trim() === "") local.name = "give the metric a name";
    if (form.eventName.trim() === "") local.eventName = "the event name your app tracks, e.g. purchase";
    const days = Number(form.cupedLookbackDays);
    if (form.cupedLookbackDays.trim() === "" || !Number.isInteger(days) || days < 0 || days > 90) {
      local.cupedLookbackDays = "a whole number of days from 0 (no CUPED) to 90";
    }
    setErrors(local);
    if (Object.keys(local).length === 0) create.mutate();
  };
  return (
    <Dialog open={props.open} labelledBy={titleId} onClose={props.onClose} className={styles.dialog}>
      <form className={styles.form} onSubmit={submit} noValidate>
        <h2 id={titleId}>{`New ${props.list} metric`}</h2>
        <p className={styles.hint}>
          A metric reads the events your app sends with <code>client.track(eventName)</code>. It is added to
          the {props.list} metrics of this experiment.
        </p>
        <Field label="Metric key" hint="a-z, 0-9, - and _" error={errors.key}>
          {(a) => (
            <input
              {...a}
              className={styles.mono}
              value={form.key}
              onChange={(e) => set("key", e.target.value)}
            />
          )}
        </Field>
        <Field label="Metric name" error={errors.name}>
          {(a) => <input {...a} value={form.name} onChange={(e) => set("name", e.target.value)} />}
        </Field>
        <Field label="Event name" hint="The name passed to track()." error={errors.eventName}>
          {(a) => (
            <input
              {...a}
              className={styles.mono}
              value={form.eventName}
              onChange={(e) => set("eventName", e.target.value)}
            />
          )}
        </Field>
        <Field label="Metric type" error={errors.type}>
          {(a) => (
            <select {...a} value={form.type} onChange={(e) => set("type", e.target.value)}>
              <option value="binomial">Conversion (did the unit do it at least once)</option>
              <option value="count">Count (events per unit)</option>
              <option value="sum">Sum (of event values per unit)</option>
              <option value="mean">Mean (of event values)</option>
            </select>
          )}
        </Field>
        <Field label="Good direction" error={errors.direction}>
          {(a) => (
            <select {...a} value={form.direction} onChange={(e) => set("direction", e.target.value)}>
              <option value="increase">Higher is better</option>
              <option value="decrease">Lower is better</option>
            </select>
          )}
        </Field>
        <Field
          label="CUPED lookback (days)"
          hint="Variance reduction: each unit's same metric over this many days before its first exposure is the covariate (0 = none; mean metrics have none)."
          error={errors.cupedLookbackDays}
        >
          {(a) => (
            <input
              {...a}
              inputMode="numeric"
              value={form.cupedLookbackDays}
              onChange={(e) => set("cupedLookbackDays", e.target.value)}
            />
          )}
        </Field>
        {errors.form && (
          <p className={styles.error} role="alert">
            {errors.form}
          </p>
        )}
        <div className={styles.row}>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create metric"}
          </Button>
          <Button onClick={props.onClose}>Cancel</Button>
        </div>
      </form>
    </Dialog>
  );
}
