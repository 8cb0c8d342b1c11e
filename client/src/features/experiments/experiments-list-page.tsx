import { useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { Button } from "../../ui/button.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { useExperiments, useRunningResults } from "./experiments-api.js";
import styles from "./experiments-list-page.module.css";
import { ExperimentsTable } from "./experiments-table.js";
import {
  buildRows,
  countByTab,
  filterRows,
  LIST_TABS,
  type ListTab,
  type ReportState,
  rowsToCsv,
  SORT_KEYS,
  type SortDir,
  type SortKey,
  sortRows,
  TAB_LABELS,
} from "./list-model.js";

/** View state in the URL (?tab=running&q=checkout&sort=lift&dir=desc), so the view is a link. */
function useListParams() {
  const [params, setParams] = useSearchParams();
  const tabParam = params.get("tab");
  const tab: ListTab = (LIST_TABS as readonly string[]).includes(tabParam ?? "")
    ? (tabParam as ListTab)
    : "all";
  const sortParam = params.get("sort");
  const sort: SortKey = (SORT_KEYS as readonly string[]).includes(sortParam ?? "")
    ? (sortParam as SortKey)
    : "status";
  const dir: SortDir = params.get("dir") === "desc" ? "desc" : "asc";
  const q = params.get("q") ?? "";
  const update = (patch: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === "") next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  return { tab, sort, dir, q, update, params };
}

function downloadCsv(csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `experiments-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** Experiments: status tabs, search, sortable columns with each running experiment's live figures. */
export function ExperimentsListPage() {
  useDocumentTitle("Experiments");
  const { tab, sort, dir, q, update, params } = useListParams();
  const experiments = useExperiments();
  const results = useRunningResults(experiments.data);

  const rows = useMemo(() => {
    const reports = new Map<string, ReportState>();
    for (const [key, r] of results) {
      if (r.report) reports.set(key, { state: "ok", report: r.report });
      else if (r.error) reports.set(key, { state: "error", message: r.error.message });
      else reports.set(key, { state: "loading" });
    }
    return buildRows(experiments.data ?? [], reports, new Date());
  }, [experiments.data, results]);
  const counts = countByTab(rows);
  const visible = sortRows(filterRows(rows, tab, q), sort, dir);

  const tabLink = (t: ListTab) => {
    const next = new URLSearchParams(params);
    if (t === "all") next.delete("tab");
    else next.set("tab", t);
    const s = next.toString();
    return s ? `?${s}` : "?";
  };

  return (
    <section aria-labelledby="experiments-title">
      <div className={styles.head}>
        <h1 id="experiments-title">Experiments</h1>
        <div className={styles.headActions}>
          <Button onClick={() => downloadCsv(rowsToCsv(visible))} disabled={visible.length === 0}>
            Export CSV
          </Button>
          <Link to="/planner" className="btn btn-secondary">
            Plan a test
          </Link>
          <Link to="/experiments/new" className="btn btn-primary">
            New experiment
          </Link>
        </div>
      </div>

      <div className={styles.toolbar}>
        <nav aria-label="Filter by status" className={styles.tabs}>
          {LIST_TABS.map((t) => (
            <Link
              key={t}
              to={tabLink(t)}
              replace
              className={t === tab ? `${styles.tab} ${styles.tabActive}` : styles.tab}
              aria-current={t === tab ? "page" : undefined}
            >
              {TAB_LABELS[t]}{" "}
              <span className={styles.count}>
                {counts[t]}
                <span className="visually-hidden"> experiments</span>
              </span>
            </Link>
          ))}
        </nav>
        <div className={styles.search}>
          <label htmlFor="experiment-search" className="visually-hidden">
            Search experiments by name or key
          </label>
          <input
            id="experiment-search"
            className="input"
            type="search"
            placeholder="Search by name or key"
            value={q}
            onChange={(e) => update({ q: e.target.value })}
          />
        </div>
      </div>

      {experiments.isPending && <p role="status">Loading experiments…</p>}
      {experiments.error && (
        <p role="alert" className={styles.error}>
          The experiments could not be loaded: {experiments.error.message}
        </p>
      )}
      {experiments.data && rows.length === 0 && <EmptyState />}
      {experiments.data && rows.length > 0 && visible.length === 0 && (
        <div className={`card ${styles.empty}`}>
          <p>
            No {tab === "all" ? "" : `${TAB_LABELS[tab].toLowerCase()} `}experiments
            {q ? ` match “${q}”` : ""}.
          </p>
          <Button onClick={() => update({ q: null, tab: null })}>Show all experiments</Button>
        </div>
      )}
      {visible.length > 0 && (
        <ExperimentsTable
          rows={visible}
          sort={sort}
          dir={dir}
          onSort={(key) =>
            update({ sort: key, dir: key === sort ? (dir === "asc" ? "desc" : "asc") : defaultDir(key) })
          }
        />
      )}
    </section>
  );
}

/** Numbers read best largest first; names and statuses A→Z. */
function defaultDir(key: SortKey): SortDir {
  return key === "name" || key === "status" ? "asc" : "desc";
}

function EmptyState() {
  return (
    <div className={`card ${styles.empty}`}>
      <h2>No experiments yet</h2>
      <p>Two ways to start:</p>
      <ul>
        <li>
          <strong>See it with data:</strong> run <code>npm run demo</code> in the repository. It creates demo
          experiments and sends simulated traffic through the SDK, so the list and the results fill up.
        </li>
        <li>
          <strong>Plan your own:</strong> the <Link to="/planner">planner</Link> tells you how many units and
          days a test needs; then <Link to="/experiments/new">create the experiment</Link>.
        </li>
      </ul>
    </div>
  );
}
