import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, apiFetch } from "../../api/client.js";
import type { ApiKey, AuditEntry, Layer, Metric } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import styles from "../experiments/editor.module.css";

function errorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return error ? { form: String((error as Error).message) } : {};
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  if (!issues) return { form: error.message };
  return Object.fromEntries(issues.map((i) => [i.path || "form", i.message]));
}

function KeysSection() {
  const qc = useQueryClient();
  const keys = useQuery({
    queryKey: ["keys"],
    queryFn: ({ signal }) => apiFetch<{ keys: ApiKey[] }>("/api/v1/keys", { signal }),
  });
  const [kind, setKind] = useState<"sdk" | "admin">("sdk");
  const [name, setName] = useState("");
  const [environment, setEnvironment] = useState("production");
  const [created, setCreated] = useState<(ApiKey & { token: string }) | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (revoking && !dialog.current?.open) dialog.current?.showModal?.();
    if (!revoking && dialog.current?.open) dialog.current.close();
  }, [revoking]);
  const create = useMutation({
    mutationFn: () =>
      apiFetch<ApiKey & { token: string }>("/api/v1/keys", {
        method: "POST",
        body: kind === "sdk" ? { kind, name, environment } : { kind, name },
      }),
    onSuccess: async (k) => {
      setCreated(k);
      setCopied(false);
      setName("");
      await qc.invalidateQueries({ queryKey: ["keys"] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/v1/keys/${encodeURIComponent(id)}/revoke`, { method: "POST", body: {} }),
    onSuccess: async () => {
      setRevoking(null);
      await qc.invalidateQueries({ queryKey: ["keys"] });
    },
  });
  const errors = errorsOf(create.error);
  return (
    <section aria-labelledby="keys-title" className={styles.fieldset}>
      <h2 id="keys-title">SDK keys and admin tokens</h2>
      <form
        className={styles.row}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className={styles.field}>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as "sdk" | "admin")}>
            <option value="sdk">SDK key (public, per environment)</option>
            <option value="admin">Admin token (secret, full access)</option>
          </select>
        </label>
        <label className={styles.field}>
          Key name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={errors.name ? true : undefined}
          />
        </label>
        {kind === "sdk" && (
          <label className={styles.field}>
            Environment
            <input value={environment} onChange={(e) => setEnvironment(e.target.value)} />
          </label>
        )}
        <Button type="submit" variant="primary">
          Create key
        </Button>
      </form>
      {Object.entries(errors).map(([path, message]) => (
        <p key={path} className={styles.error} role="alert">
          {path === "form" ? message : `${path}: ${message}`}
        </p>
      ))}
      {created && (
        <div className={styles.note} role="status">
          <p>
            New {created.kind === "sdk" ? "SDK key" : "admin token"} “{created.name}”. Copy it now: it is
            shown only once.
          </p>
          <div className={styles.row}>
            <code data-testid="new-token">{created.token}</code>
            <Button
              onClick={async () => {
                await navigator.clipboard?.writeText(created.token);
                setCopied(true);
              }}
            >
              {copied ? "Copied ✓" : "Copy token"}
            </Button>
            <Button variant="ghost" onClick={() => setCreated(null)}>
              I stored it
            </Button>
          </div>
        </div>
      )}
      {keys.error && <p className={styles.error}>{keys.error.message}</p>}
      <table>
        <caption className="visually-hidden">Keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Environment</th>
            <th scope="col">Starts with</th>
            <th scope="col">Created</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {keys.data?.keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>{k.kind}</td>
              <td>{k.environment ?? "—"}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{new Date(k.createdAt).toLocaleString()}</td>
              <td>
                {k.revokedAt ? (
                  `revoked ${new Date(k.revokedAt).toLocaleString()}`
                ) : (
                  <Button onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <dialog ref={dialog} aria-labelledby="revoke-title" onClose={() => setRevoking(null)}>
        <h2 id="revoke-title">Revoke {revoking?.name}?</h2>
        <p>Every app or script using it is refused from now on. This cannot be undone.</p>
        {revoke.error && (
          <p className={styles.error} role="alert">
            {revoke.error.message}
          </p>
        )}
        <div className={styles.row}>
          <Button variant="primary" onClick={() => revoking && revoke.mutate(revoking.id)}>
            Revoke key
          </Button>
          <Button onClick={() => setRevoking(null)}>Cancel</Button>
        </div>
      </dialog>
    </section>
  );
}

function MetricsSection() {
  const qc = useQueryClient();
  const metrics = useQuery({
    queryKey: ["metrics", "list"],
    queryFn: ({ signal }) => apiFetch<{ metrics: Metric[] }>("/api/v1/metrics", { signal }),
  });
  const [form, setForm] = useState({ key: "", name: "", eventName: "", type: "binomial" });
  const create = useMutation({
    mutationFn: () => apiFetch<Metric>("/api/v1/metrics", { method: "POST", body: form }),
    onSuccess: async () => {
      setForm({ key: "", name: "", eventName: "", type: "binomial" });
      await qc.invalidateQueries({ queryKey: ["metrics"] });
    },
  });
  const errors = errorsOf(create.error);
  return (
    <section aria-labelledby="metrics-title" className={styles.fieldset}>
      <h2 id="metrics-title">Metrics</h2>
      <ul>
        {metrics.data?.metrics.map((m) => (
          <li key={m.key}>
            <strong>{m.name}</strong> <code>{m.key}</code>: {m.type} of “{m.eventName}” events within{" "}
            {m.windowHours} h of exposure; {m.direction} is good;{" "}
            {m.type === "mean" || m.cupedLookbackDays === 0
              ? "no CUPED adjustment"
              : `CUPED over the ${m.cupedLookbackDays} days before exposure`}
          </li>
        ))}
      </ul>
      <form
        className={styles.row}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        {(["key", "name", "eventName"] as const).map((f) => (
          <label key={f} className={styles.field}>
            {f === "key" ? "Metric key" : f === "name" ? "Metric name" : "Event name"}
            <input value={form[f]} onChange={(e) => setForm({ ...form, [f]: e.target.value })} />
            {errors[f] && <span className={styles.error}>{errors[f]}</span>}
          </label>
        ))}
        <label className={styles.field}>
          Type
          <select value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })}>
            <option value="binomial">binomial (converted or not)</option>
            <option value="count">count (events)</option>
            <option value="sum">sum (of values)</option>
            <option value="mean">mean (of values)</option>
          </select>
        </label>
        <Button type="submit">Create metric</Button>
      </form>
      {errors.form && <p className={styles.error}>{errors.form}</p>}
    </section>
  );
}

function LayersSection() {
  const layers = useQuery({
    queryKey: ["layers"],
    queryFn: ({ signal }) => apiFetch<{ layers: Layer[] }>("/api/v1/layers", { signal }),
  });
  return (
    <section aria-labelledby="layers-title" className={styles.fieldset}>
      <h2 id="layers-title">Layers</h2>
      <p className={styles.hint}>
        Experiments in one layer own non-overlapping slices, so a user is in at most one.
      </p>
      {layers.data?.layers.length === 0 && <p>No layers yet.</p>}
      <ul>
        {layers.data?.layers.map((l) => (
          <li key={l.key}>
            <strong>{l.name}</strong> <code>{l.key}</code> {l.description}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AuditSection() {
  const audit = useQuery({
    queryKey: ["audit"],
    queryFn: ({ signal }) => apiFetch<{ entries: AuditEntry[] }>("/api/v1/audit?limit=50", { signal }),
  });
  return (
    <section aria-labelledby="audit-title" className={styles.fieldset}>
      <h2 id="audit-title">Audit log</h2>
      <p className={styles.hint}>The 50 latest changes, newest first; open one to see before and after.</p>
      {audit.data?.entries.map((a) => (
        <details key={a.id}>
          <summary>
            {new Date(a.at).toLocaleString()} · {a.action} · {a.entityType} {a.entityKey} · by {a.actor}
          </summary>
          <div className={styles.row}>
            <div>
              <h3>Before</h3>
              <pre className={styles.code}>{JSON.stringify(a.before, null, 2) ?? "—"}</pre>
            </div>
            <div>
              <h3>After</h3>
              <pre className={styles.code}>{JSON.stringify(a.after, null, 2) ?? "—"}</pre>
            </div>
          </div>
        </details>
      ))}
    </section>
  );
}

/** Settings: keys, metrics, layers and the audit log. */
export function SettingsPage() {
  useDocumentTitle("Settings");
  return (
    <div className={styles.form}>
      <h1>Settings</h1>
      <KeysSection />
      <MetricsSection />
      <LayersSection />
      <AuditSection />
    </div>
  );
}
