import { type FormEvent, useId, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { startSession } from "../../api/session.js";
import { Button } from "../../ui/button.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { checkAdminToken } from "./auth-api.js";
import styles from "./sign-in-page.module.css";
import { useSession } from "./use-session.js";

/** Only same-app paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/experiments";
}

/** Sign in with an admin token; explains a rejected token and where the first token comes from. */
export function SignInPage() {
  useDocumentTitle("Sign in");
  const { token: current, reason } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputId = useId();
  const helpId = useId();
  const errorId = useId();
  const next = safeNext(params.get("next"));

  if (current) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError("Enter your admin token.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const check = await checkAdminToken(candidate);
      if (check.ok) {
        startSession(candidate);
        navigate(next, { replace: true });
      } else setError(check.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className={styles.page} tabIndex={-1}>
      <div className={styles.card}>
        <p className={styles.brand} aria-hidden="true">
          <img src="/favicon.svg" alt="" width={28} height={28} /> Splitlab
        </p>
        <h1 className={styles.title}>Sign in</h1>
        {reason === "rejected" && !error && (
          <p className={styles.notice} role="status">
            Your session ended: the server rejected the admin token (401). It may have been revoked. Sign in
            again.
          </p>
        )}
        {reason === "signed-out" && !error && (
          <p className={styles.notice} role="status">
            You signed out. The token was removed from this browser tab.
          </p>
        )}
        <form onSubmit={submit} noValidate>
          <label htmlFor={inputId} className={styles.label}>
            Admin token
          </label>
          <input
            id={inputId}
            className={styles.input}
            type="password"
            autoComplete="current-password"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-describedby={error ? `${errorId} ${helpId}` : helpId}
            aria-invalid={error ? true : undefined}
          />
          {error && (
            <p id={errorId} className={styles.error} role="alert">
              {error}
            </p>
          )}
          <p id={helpId} className={styles.help}>
            The server printed a generated admin token the first time it started (“Generated admin token …
            shown once”), or use the <code>ADMIN_TOKEN</code> you set. It is kept only for this browser tab.
          </p>
          <Button type="submit" variant="primary" disabled={busy} className={styles.submit}>
            {busy ? "Checking…" : "Sign in"}
          </Button>
        </form>
      </div>
    </main>
  );
}
