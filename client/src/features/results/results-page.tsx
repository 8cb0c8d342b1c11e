import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { RECOMMENDATIONS } from "../../ui/verdict.js";
import { experimentKeys, fetchResults } from "../experiments/experiments-api.js";
import styles from "../experiments/stub-page.module.css";

/** STUB: the results page (next stage). Shows the decision so links from the list lead somewhere useful. */
export function ResultsPage() {
  const { key = "" } = useParams();
  useDocumentTitle(`Results of ${key}`);
  const report = useQuery({
    queryKey: experimentKeys.results(key),
    queryFn: ({ signal }) => fetchResults(key, signal),
  });
  return (
    <section aria-labelledby="results-title">
      <p>
        <Link to="/experiments">← Experiments</Link>
      </p>
      <h1 id="results-title">Results of {key}</h1>
      <p className={styles.stub} role="note">
        The full results page (scorecard, health, charts, breakdowns) is being built (next stage). The report
        is available as JSON at <code>GET /api/v1/experiments/{key}/results</code>.
      </p>
      {report.isPending && <p role="status">Reading the results…</p>}
      {report.error && <p role="alert">The results could not be read: {report.error.message}</p>}
      {report.data && (
        <div className="card" style={{ padding: "1.25rem" }}>
          <h2>Recommendation: {RECOMMENDATIONS[report.data.decision.recommendation].label}</h2>
          <ul>
            {report.data.decision.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
