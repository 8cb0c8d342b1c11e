import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { apiFetch } from "../../api/client.js";
import type { Experiment } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import styles from "./editor.module.css";
import { experimentKeys } from "./experiments-api.js";
import listStyles from "./stub-page.module.css";

/** A confirm dialog on the native <dialog> (focus trap, Escape closes, focus returns). */
function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  children?: ReactNode;
  error?: string | undefined;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal?.();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={`${props.confirmLabel}-title`} onClose={props.onClose}>
      <form
        method="dialog"
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm();
        }}
      >
        <h2 id={`${props.confirmLabel}-title`}>{props.title}</h2>
        {props.children}
        {props.error && (
          <p className={styles.error} role="alert">
            {props.error}
          </p>
        )}
        <div className={styles.row}>
          <Button type="submit" variant="primary">
            {props.confirmLabel}
          </Button>
          <Button onClick={props.onClose}>Cancel</Button>
        </div>
      </form>
    </dialog>
  );
}

function snippets(e: Experiment): { js: string; react: string } {
  const branches = e.variants.map((v) => `  // "${v.key}": ${v.name}`).join("\n");
  const js = `import { createClient } from "@splitlab/sdk";

const client = createClient({
  apiHost: "${typeof location === "undefined" ? "" : location.origin}",
  sdkKey: "sdk_...", // Settings → SDK keys
  user: { ${e.unitAttribute}: "user-123" },
});
await client.ready();
const { variant, payload } = client.getAssignment("${e.key}");
switch (variant) {
${branches}
}
client.track("${e.primaryMetrics[0] ?? "purchase"}"${e.unitAttribute === "id" ? "" : `, { unitAttribute: "${e.unitAttribute}" }`});`;
  const react = `import { ExperimentProvider, useVariant } from "@splitlab/sdk/react";

// <ExperimentProvider client={client}> around the app, then:
function ${e.key.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()).replace(/^./, (c) => c.toUpperCase())}() {
  const variant = useVariant("${e.key}");
  return variant === "${e.variants[1]?.key ?? "treatment"}" ? <New /> : <Current />;
}`;
  return { js, react };
}

function Snippet({ title, code }: { title: string; code: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className={styles.field}>
      <div className={styles.row}>
        <h3>{title}</h3>
        <Button
          onClick={async () => {
            await navigator.clipboard?.writeText(code);
            setCopied(true);
          }}
          aria-label={`Copy the ${title} snippet`}
        >
          {copied ? "Copied ✓" : "Copy"}
        </Button>
        <span aria-live="polite" className={styles.hint}>
          {copied ? "Copied to the clipboard." : ""}
        </span>
      </div>
      <pre className={styles.code}>{code}</pre>
    </div>
  );
}

const LOCKED =
  "Variants, weights, payloads, unit attribute, seed and layer are locked while it runs: changing them would move units between variants and bias the results. Coverage can only go up; name, hypothesis, targeting, forced overrides, metrics, analysis and environments stay editable.";

/** One experiment: summary, lifecycle actions with confirmation, results link and SDK snippets. */
export function ExperimentPage() {
  const { key = "" } = useParams();
  useDocumentTitle(key);
  const queryClient = useQueryClient();
  const path = `/api/v1/experiments/${encodeURIComponent(key)}`;
  const query = useQuery({
    queryKey: [...experimentKeys.all, "one", key],
    queryFn: ({ signal }) => apiFetch<Experiment>(path, { signal }),
  });
  const [dialog, setDialog] = useState<"start" | "stop" | "archive" | null>(null);
  const [decision, setDecision] = useState<"ship" | "rollback" | "inconclusive">("inconclusive");
  const [shipVariant, setShipVariant] = useState("");
  const [note, setNote] = useState("");
  const action = useMutation({
    mutationFn: (step: "start" | "stop" | "archive") =>
      apiFetch<Experiment>(`${path}/${step}`, {
        method: "POST",
        body:
          step === "stop" ? { decision, note, ...(decision === "ship" ? { variant: shipVariant } : {}) } : {},
      }),
    onSuccess: async () => {
      setDialog(null);
      await queryClient.invalidateQueries({ queryKey: experimentKeys.all });
    },
  });
  const open = (d: "start" | "stop" | "archive") => {
    action.reset();
    setDialog(d);
  };
  if (query.isPending) return <p>Loading {key}…</p>;
  if (query.error)
    return (
      <section aria-labelledby="experiment-title">
        <h1 id="experiment-title">{key}</h1>
        <p className={styles.error} role="alert">
          {query.error.message}
        </p>
      </section>
    );
  const e = query.data;
  const code = snippets(e);
  return (
    <section aria-labelledby="experiment-title">
      <h1 id="experiment-title">{e.name}</h1>
      <p>
        <code>{e.key}</code> · status <strong>{e.status}</strong> ·{" "}
        <Link to={`/experiments/${encodeURIComponent(e.key)}/results`}>Results</Link>
        {e.status !== "archived" && (
          <>
            {" · "}
            <Link to={`/experiments/${encodeURIComponent(e.key)}/edit`}>Edit</Link>
          </>
        )}
      </p>
      {e.status === "running" && (
        <p className={styles.note} role="note">
          <strong>Locked while running.</strong> {LOCKED}
        </p>
      )}
      {e.decision && (
        <p className={styles.note} role="note">
          Decision: {e.decision.outcome}
          {e.decision.variant ? ` (variant ${e.decision.variant})` : ""}
          {e.decision.note ? ` — ${e.decision.note}` : ""}
        </p>
      )}
      <dl className={listStyles.list}>
        <dt>Hypothesis</dt>
        <dd>{e.hypothesis || "—"}</dd>
        <dt>Variants</dt>
        <dd>
          {e.variants
            .map((v) => `${v.name} (${v.key}): ${Math.round(v.weight * 1000) / 10} % of covered units`)
            .join("; ")}
        </dd>
        <dt>Environments</dt>
        <dd data-testid="experiment-environments">
          {e.environments.join(", ")}: SDK keys of{" "}
          {e.environments.length === 1 ? "this environment" : "these"} receive it; results show one
          environment at a time (production by default)
        </dd>
        <dt>Coverage</dt>
        <dd>{Math.round(e.coverage * 1000) / 10} % of eligible units are in the experiment</dd>
        <dt>Targeting</dt>
        <dd>
          <code>{e.condition ? JSON.stringify(e.condition) : "everyone"}</code>
        </dd>
        <dt>Primary metrics</dt>
        <dd>{e.primaryMetrics.join(", ") || "none"}</dd>
        <dt>Guardrails</dt>
        <dd>{e.guardrailMetrics.join(", ") || "none"}</dd>
        <dt>Analysis</dt>
        <dd>
          alpha {e.analysis.alpha} (false-positive rate accepted per comparison),{" "}
          {e.analysis.sequential
            ? "sequential (look any time)"
            : "fixed horizon (read once at the planned size)"}
          , correction {e.analysis.correction}
        </dd>
      </dl>
      <div className={styles.row}>
        {e.status === "draft" && (
          <Button variant="primary" onClick={() => open("start")}>
            Start
          </Button>
        )}
        {e.status === "running" && (
          <Button variant="primary" onClick={() => open("stop")}>
            Stop…
          </Button>
        )}
        {(e.status === "stopped" || e.status === "draft") && (
          <Button onClick={() => open("archive")}>Archive</Button>
        )}
      </div>
      <ConfirmDialog
        open={dialog === "start"}
        title={`Start ${e.key}?`}
        confirmLabel="Start experiment"
        onConfirm={() => action.mutate("start")}
        onClose={() => setDialog(null)}
        error={action.error?.message}
      >
        <p>Units start being assigned. Variants, weights and the unit attribute are then locked.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "stop"}
        title={`Stop ${e.key}?`}
        confirmLabel="Stop experiment"
        onConfirm={() => action.mutate("stop")}
        onClose={() => setDialog(null)}
        error={action.error?.message}
      >
        <fieldset className={styles.fieldset}>
          <legend>Decision</legend>
          {(["ship", "rollback", "inconclusive"] as const).map((d) => (
            <label key={d}>
              <input type="radio" name="decision" checked={decision === d} onChange={() => setDecision(d)} />{" "}
              {d === "ship"
                ? "Ship a variant"
                : d === "rollback"
                  ? "Roll back (keep control)"
                  : "Inconclusive"}
            </label>
          ))}
        </fieldset>
        {decision === "ship" && (
          <label className={styles.field}>
            Variant shipped
            <select value={shipVariant} onChange={(ev) => setShipVariant(ev.target.value)}>
              <option value="">Choose…</option>
              {e.variants.map((v) => (
                <option key={v.key} value={v.key}>
                  {v.name} ({v.key})
                </option>
              ))}
            </select>
          </label>
        )}
        <label className={styles.field}>
          Note
          <textarea rows={3} value={note} onChange={(ev) => setNote(ev.target.value)} />
        </label>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog === "archive"}
        title={`Archive ${e.key}?`}
        confirmLabel="Archive experiment"
        onConfirm={() => action.mutate("archive")}
        onClose={() => setDialog(null)}
        error={action.error?.message}
      >
        <p>It leaves the lists and frees its layer slice. This cannot be undone.</p>
      </ConfirmDialog>
      <h2>Use it in your app</h2>
      <Snippet title="JavaScript" code={code.js} />
      <Snippet title="React" code={code.react} />
    </section>
  );
}
