import { Link, useParams } from "react-router";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import styles from "./stub-page.module.css";

/** STUB: the editor's view of one experiment (next stage). */
export function ExperimentPage() {
  const { key = "" } = useParams();
  useDocumentTitle(key);
  return (
    <section aria-labelledby="experiment-title">
      <h1 id="experiment-title">{key}</h1>
      <p className={styles.stub} role="note">
        Editing experiments in the UI comes with the editor (next stage). Read its{" "}
        <Link to={`/experiments/${encodeURIComponent(key)}/results`}>results</Link>.
      </p>
    </section>
  );
}
