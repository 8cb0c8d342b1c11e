/**
 * The experiments list as plain data: one row per experiment with the status detail, days
 * running, units, primary-metric lift and SRM flag taken from its results report; filtering by
 * tab and search, sorting, and CSV export. No React here (unit-tested).
 */
import type { Comparison, Experiment, ExperimentStatus, ResultsReport } from "../../api/types.js";
import { RECOMMENDATIONS, type VerdictKind, verdictKindOf } from "../../ui/verdict.js";

/** Tabs of the list. `all` is every experiment, archived included. */
export const LIST_TABS = ["all", "running", "draft", "stopped", "archived"] as const;
/** One of {@link LIST_TABS}. */
export type ListTab = (typeof LIST_TABS)[number];
/** Tab labels. */
export const TAB_LABELS: Record<ListTab, string> = {
  all: "All",
  running: "Running",
  draft: "Drafts",
  stopped: "Stopped",
  archived: "Archived",
};

/** Sortable columns. */
export const SORT_KEYS = ["name", "status", "days", "units", "lift", "srm"] as const;
/** One of {@link SORT_KEYS}. */
export type SortKey = (typeof SORT_KEYS)[number];
/** Sort direction. */
export type SortDir = "asc" | "desc";

/** The report of a row: still loading, failed, not fetched (not running) or there. */
export type ReportState =
  | { state: "none" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ok"; report: ResultsReport };

/** The primary metric's headline comparison. */
export interface RowLift {
  metric: string;
  metricName: string;
  variant: string;
  control: string;
  /** Relative lift, treatment/control − 1. */
  estimate: number | null;
  /** Fixed-horizon interval of the relative lift. */
  ci: [number, number] | null;
  /** The p-value that decides (sequential when on), adjusted for multiple comparisons. */
  pValue: number | null;
  significant: boolean;
  verdict: VerdictKind;
  sequential: boolean;
  /** Other treatments compared on the primary metric. */
  otherVariants: number;
}

/** One row of the list. */
export interface ListRow {
  key: string;
  name: string;
  status: ExperimentStatus;
  /** "Ship treatment", "12 days left", "Inconclusive", "Draft"… */
  detail: string;
  /** What {@link detail} means. */
  detailExplanation: string;
  /** Whole days since the start (until the stop for stopped experiments); null for drafts. */
  days: number | null;
  /** Units counted in the report (all variants); null without a report. */
  units: number | null;
  lift: RowLift | null;
  /** SRM from the report: null without a report or before any unit. */
  srm: { mismatch: boolean; pValue: number } | null;
  report: ReportState;
}

const DAY_MS = 86_400_000;
const STATUS_ORDER: Record<ExperimentStatus, number> = { running: 0, draft: 1, stopped: 2, archived: 3 };

/** Days between two instants, floored; null when there is no start. */
export function daysBetween(startIso: string | null, end: Date): number | null {
  if (!startIso) return null;
  const start = new Date(startIso).getTime();
  if (Number.isNaN(start)) return null;
  return Math.max(0, Math.floor((end.getTime() - start) / DAY_MS));
}

const decisive = (c: Comparison): number | null =>
  c.sequential ? (c.sequential.adjustedPValue ?? c.sequential.pValue) : (c.adjustedPValue ?? c.pValue);

/** The comparison the list shows: the variant the decision names, else the smallest deciding p-value. */
export function headlineLift(report: ResultsReport): RowLift | null {
  const metric = report.metrics.find((m) => m.kind === "primary");
  if (!metric || metric.comparisons.length === 0) return null;
  const named = metric.comparisons.find((c) => c.variant === report.decision.variant);
  const byP = [...metric.comparisons].sort((a, b) => (decisive(a) ?? 2) - (decisive(b) ?? 2));
  const c = named ?? byP[0]!;
  return {
    metric: metric.metric,
    metricName: metric.name,
    variant: c.variant,
    control: c.control,
    estimate: c.relative.estimate,
    ci: c.relative.ci,
    pValue: decisive(c),
    significant: c.significant,
    verdict: verdictKindOf(c.direction),
    sequential: c.sequential !== undefined,
    otherVariants: metric.comparisons.length - 1,
  };
}

function detailOf(e: Experiment, report: ReportState): { detail: string; explanation: string } {
  switch (e.status) {
    case "draft":
      return { detail: "Not started", explanation: "A draft: not started yet, no user is assigned." };
    case "archived":
      return { detail: "No longer served", explanation: "Archived: kept for the record, no longer served." };
    case "stopped": {
      const d = e.decision;
      if (d?.outcome === "ship")
        return {
          detail: `Shipped ${d.variant ?? ""}`.trim(),
          explanation: `Stopped with the decision to ship ${d.variant ?? "a variant"}.${d.note ? ` Note: ${d.note}` : ""}`,
        };
      if (d?.outcome === "rollback")
        return {
          detail: "Rolled back",
          explanation: `Stopped with the decision to roll back.${d.note ? ` Note: ${d.note}` : ""}`,
        };
      return { detail: "Stopped: inconclusive", explanation: "Stopped without a winner." };
    }
    case "running": {
      if (report.state === "loading") return { detail: "Running", explanation: "Reading the results…" };
      if (report.state === "error")
        return { detail: "Running", explanation: `The results could not be read: ${report.message}` };
      if (report.state !== "ok") return { detail: "Running", explanation: "Running." };
      const { decision, power } = report.report;
      const meaning = RECOMMENDATIONS[decision.recommendation].meaning;
      const reasons = decision.reasons.length > 0 ? ` ${decision.reasons.join("; ")}.` : "";
      if (decision.recommendation === "ship")
        return { detail: `Ship ${decision.variant ?? ""}`.trim(), explanation: meaning + reasons };
      if (decision.recommendation === "keep-running" && power.daysLeft !== undefined) {
        const days = power.daysLeft;
        return {
          detail: days === 1 ? "1 day left" : `${days} days left`,
          explanation: `About ${days} more days at the current traffic until the test has ${Math.round(power.target * 100)} % power to detect a ${Math.round(power.mde * 1000) / 10} % change.${reasons}`,
        };
      }
      return { detail: RECOMMENDATIONS[decision.recommendation].label, explanation: meaning + reasons };
    }
  }
}

/** Builds the rows; `reports` holds what is known about each running experiment's report. */
export function buildRows(
  experiments: Experiment[],
  reports: Map<string, ReportState>,
  now: Date,
): ListRow[] {
  return experiments.map((e) => {
    const report: ReportState =
      e.status === "running" ? (reports.get(e.key) ?? { state: "loading" }) : { state: "none" };
    const end = e.status === "running" ? now : e.stoppedAt ? new Date(e.stoppedAt) : now;
    const ok = report.state === "ok" ? report.report : null;
    const { detail, explanation } = detailOf(e, report);
    return {
      key: e.key,
      name: e.name,
      status: e.status,
      detail,
      detailExplanation: explanation,
      days: daysBetween(e.startedAt, end),
      units: ok ? ok.units.reduce((s, u) => s + u.units, 0) : null,
      lift: ok ? headlineLift(ok) : null,
      srm: ok && ok.srm.pValue !== null ? { mismatch: ok.srm.mismatch, pValue: ok.srm.pValue } : null,
      report,
    };
  });
}

/** Rows of a tab whose name or key contains the search text (case-insensitive). */
export function filterRows(rows: ListRow[], tab: ListTab, search: string): ListRow[] {
  const q = search.trim().toLocaleLowerCase();
  return rows.filter(
    (r) =>
      (tab === "all" || r.status === tab) &&
      (q === "" || r.name.toLocaleLowerCase().includes(q) || r.key.includes(q)),
  );
}

/** How many rows each tab has (before the search). */
export function countByTab(rows: ListRow[]): Record<ListTab, number> {
  const counts: Record<ListTab, number> = { all: rows.length, running: 0, draft: 0, stopped: 0, archived: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}

function sortValue(r: ListRow, key: SortKey): number | string | null {
  switch (key) {
    case "name":
      return r.name.toLocaleLowerCase();
    case "status":
      return STATUS_ORDER[r.status];
    case "days":
      return r.days;
    case "units":
      return r.units;
    case "lift":
      return r.lift?.estimate ?? null;
    case "srm":
      // Mismatches first when descending: 1 = mismatch, 0 = fine.
      return r.srm ? (r.srm.mismatch ? 1 : 0) : null;
  }
}

/** Sorted copy; missing values always go last, ties keep name order. */
export function sortRows(rows: ListRow[], key: SortKey, dir: SortDir): ListRow[] {
  const sign = dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    if (x !== null && y !== null && x !== y) {
      const cmp = typeof x === "string" && typeof y === "string" ? x.localeCompare(y) : x < y ? -1 : 1;
      return sign * cmp;
    }
    return a.name.localeCompare(b.name);
  });
}

/** A CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The list as CSV (raw numbers, shares as fractions, so spreadsheets can compute with them). */
export function rowsToCsv(rows: ListRow[]): string {
  const header = [
    "key",
    "name",
    "status",
    "status_detail",
    "days_running",
    "units",
    "primary_metric",
    "variant",
    "control",
    "relative_lift",
    "lift_ci_low",
    "lift_ci_high",
    "p_value",
    "significant",
    "verdict",
    "srm_p_value",
    "srm_mismatch",
  ];
  const lines = rows.map((r) =>
    [
      r.key,
      r.name,
      r.status,
      r.detail,
      r.days,
      r.units,
      r.lift?.metric ?? null,
      r.lift?.variant ?? null,
      r.lift?.control ?? null,
      r.lift?.estimate ?? null,
      r.lift?.ci?.[0] ?? null,
      r.lift?.ci?.[1] ?? null,
      r.lift?.pValue ?? null,
      r.lift ? r.lift.significant : null,
      r.lift?.verdict ?? null,
      r.srm?.pValue ?? null,
      r.srm ? r.srm.mismatch : null,
    ]
      .map(cell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
