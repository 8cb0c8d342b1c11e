import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { apiFetch } from "../../api/client.js";
import type { Experiment } from "../../api/types.js";
import { formatCount, formatDays, formatPercent } from "../../ui/format.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { readPlannedExperiment } from "../planner/plan-url.js";
import styles from "./editor.module.css";
import { EditorForm } from "./editor-form.js";
import {
  apiErrorToFieldErrors,
  draftToRequest,
  type EditorDraft,
  type FieldErrors,
  initialDraft,
} from "./editor-model.js";
import { experimentKeys } from "./experiments-api.js";

/** The editor: creates a draft experiment, prefilled from the planner when it hands over a plan. */
export function NewExperimentPage() {
  useDocumentTitle("New experiment");
  const [params] = useSearchParams();
  const planned = useMemo(() => readPlannedExperiment(params), [params]);
  const [draft, setDraft] = useState<EditorDraft>(() => initialDraft(planned));
  const [errors, setErrors] = useState<FieldErrors>({});
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      apiFetch<Experiment>("/api/v1/experiments", { method: "POST", body }),
    onSuccess: async (experiment) => {
      await queryClient.invalidateQueries({ queryKey: experimentKeys.all });
      navigate(`/experiments/${encodeURIComponent(experiment.key)}`);
    },
    onError: (error) => setErrors(apiErrorToFieldErrors(error, draft)),
  });
  // After a refused save, the client-side checks follow each edit (fixed fields lose their error).
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (checking) {
      const result = draftToRequest(draft);
      setErrors(result.ok ? {} : result.errors);
    }
  }, [draft, checking]);
  const submit = () => {
    setChecking(true);
    const result = draftToRequest(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    create.mutate(result.body);
  };
  return (
    <section aria-labelledby="editor-title">
      <h1 id="editor-title">New experiment</h1>
      <EditorForm
        draft={draft}
        setDraft={setDraft}
        errors={errors}
        locks={{}}
        existing={false}
        submitLabel="Create draft"
        pending={create.isPending}
        onSubmit={submit}
        cancelTo="/experiments"
      >
        {planned && (
          <p className={styles.note} role="note" data-testid="planned">
            Prefilled from the <Link to={`/planner?${params.toString()}`}>planner</Link>:{" "}
            {[
              `${planned.plan.variants} variants, ${planned.weights.map((w) => formatPercent(w)).join(" / ")}`,
              `alpha ${formatPercent(planned.plan.alpha)}`,
              `coverage ${formatPercent(planned.plan.coverage)}`,
              `sequential ${planned.plan.sequential ? "on" : "off"}`,
            ].join("; ")}
            . The plan needs {formatCount(planned.perVariant)} units per variant, {formatDays(planned.days)}.
          </p>
        )}
      </EditorForm>
    </section>
  );
}
