import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { apiFetch } from "../../api/client.js";
import type { Experiment } from "../../api/types.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { draftToPatch, experimentToDraft, lockedFields } from "./edit-model.js";
import styles from "./editor.module.css";
import { EditorForm } from "./editor-form.js";
import { apiErrorToFieldErrors, type EditorDraft, type FieldErrors } from "./editor-model.js";
import { experimentKeys } from "./experiments-api.js";

const STATUS_NOTE: Record<Experiment["status"], string> = {
  draft: "A draft: every field can change until it starts.",
  running:
    "Running: variants, weights, payloads, the unit attribute and the layer slice are locked (changing them would move units between variants); coverage can only go up. Name, hypothesis, targeting, forced overrides, metrics, environments and analysis can change.",
  stopped: "Stopped: the results are final. Only the name and the hypothesis can change.",
  archived: "Archived: nothing can change.",
};

function EditForm({ experiment }: { experiment: Experiment }) {
  const [draft, setDraft] = useState<EditorDraft>(() => experimentToDraft(experiment));
  const [errors, setErrors] = useState<FieldErrors>({});
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const href = `/experiments/${encodeURIComponent(experiment.key)}`;
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      apiFetch<Experiment>(`/api/v1${href}`, { method: "PATCH", body }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: experimentKeys.all });
      navigate(href);
    },
    onError: (error) => setErrors(apiErrorToFieldErrors(error, draft)),
  });
  // After a refused save, the client-side checks follow each edit (fixed fields lose their error).
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (checking) {
      const result = draftToPatch(draft, experiment);
      setErrors(result.ok ? {} : result.errors);
    }
  }, [draft, checking, experiment]);
  const submit = () => {
    setChecking(true);
    const result = draftToPatch(draft, experiment);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    save.mutate(result.body);
  };
  const locks = lockedFields(experiment.status);
  return (
    <EditorForm
      draft={draft}
      setDraft={setDraft}
      errors={errors}
      locks={locks}
      existing
      submitLabel="Save changes"
      canSave={experiment.status !== "archived"}
      pending={save.isPending}
      onSubmit={submit}
      cancelTo={href}
    >
      <p className={styles.note} role="note" data-testid="status-note">
        <strong>Status {experiment.status}.</strong> {STATUS_NOTE[experiment.status]}
      </p>
    </EditorForm>
  );
}

/** Edits an existing experiment (`PATCH`); fields the status locks are read-only with the reason. */
export function EditExperimentPage() {
  const { key = "" } = useParams();
  useDocumentTitle(`Edit ${key}`);
  const query = useQuery({
    queryKey: [...experimentKeys.all, "one", key],
    queryFn: ({ signal }) =>
      apiFetch<Experiment>(`/api/v1/experiments/${encodeURIComponent(key)}`, { signal }),
  });
  return (
    <section aria-labelledby="editor-title">
      <h1 id="editor-title">{query.data ? `Edit ${query.data.name}` : `Edit ${key}`}</h1>
      <p>
        <Link to={`/experiments/${encodeURIComponent(key)}`}>Back to the experiment</Link>
      </p>
      {query.isPending && <p>Loading {key}…</p>}
      {query.error && (
        <p className={styles.error} role="alert">
          {query.error.message}
        </p>
      )}
      {query.data && <EditForm key={query.data.updatedAt} experiment={query.data} />}
    </section>
  );
}
