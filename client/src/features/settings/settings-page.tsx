import { useDocumentTitle } from "../../ui/use-document-title.js";
import styles from "../experiments/stub-page.module.css";

/** STUB: settings (next stage): SDK keys and admin tokens, metrics, layers, audit log. */
export function SettingsPage() {
  useDocumentTitle("Settings");
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <p className={styles.stub} role="note">
        SDK keys, admin tokens, metrics, layers and the audit log come to this page in the next stage. Until
        then they are managed through the API: <code>/api/v1/keys</code>, <code>/api/v1/metrics</code>,{" "}
        <code>/api/v1/layers</code>, <code>/api/v1/audit</code> (see{" "}
        <a href="/api/openapi.json">the API description</a>
        ).
      </p>
    </section>
  );
}
