import { Link, useSearchParams } from "react-router";
import { formatCount, formatDays, formatPercent } from "../../ui/format.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { readPlannedExperiment } from "../planner/plan-url.js";
import styles from "./stub-page.module.css";

/**
 * STUB: the editor's place. The editor (next stage) replaces this page; it receives the planner's
 * plan through the URL (`readPlannedExperiment`), shown here so the hand-over can be checked.
 */
export function NewExperimentPage() {
  useDocumentTitle("New experiment");
  const [params] = useSearchParams();
  const planned = readPlannedExperiment(params);
  return (
    <section aria-labelledby="new-title">
      <h1 id="new-title">New experiment</h1>
      <p className={styles.stub} role="note">
        The experiment editor is being built (next stage). Until then, create experiments with{" "}
        <code>POST /api/v1/experiments</code> (see <a href="/api/openapi.json">the API description</a>).
      </p>
      {planned ? (
        <div className="card" style={{ padding: "1.25rem" }}>
          <h2>From the planner</h2>
          <dl className={styles.list} data-testid="planned">
            <dt>Metric</dt>
            <dd>{planned.plan.kind === "rate" ? "Conversion rate" : "Mean"}</dd>
            <dt>Baseline</dt>
            <dd>
              {planned.plan.kind === "rate" ? formatPercent(planned.plan.baseline) : planned.plan.baseline}
            </dd>
            <dt>Effect to detect</dt>
            <dd>
              {planned.plan.mdeMode === "relative"
                ? `${formatPercent(planned.plan.mde)} relative`
                : planned.plan.mde}
            </dd>
            <dt>Variants and weights</dt>
            <dd>
              {planned.plan.variants} variants, {planned.weights.map((w) => formatPercent(w)).join(" / ")}
            </dd>
            <dt>Alpha</dt>
            <dd>{formatPercent(planned.plan.alpha)}</dd>
            <dt>Sequential</dt>
            <dd>{planned.plan.sequential ? "on" : "off"}</dd>
            <dt>Coverage</dt>
            <dd>{formatPercent(planned.plan.coverage)}</dd>
            <dt>Units per variant</dt>
            <dd>{formatCount(planned.perVariant)}</dd>
            <dt>Planned duration</dt>
            <dd>{formatDays(planned.days)}</dd>
          </dl>
        </div>
      ) : (
        <p>
          Start from the <Link to="/planner">planner</Link> to size the test first.
        </p>
      )}
    </section>
  );
}
