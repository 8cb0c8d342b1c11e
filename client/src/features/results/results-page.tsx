import { Link, useParams } from "react-router";
import type { Experiment, ResultsReport } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { formatDateTime, formatPercent } from "../../ui/format.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { Breakdown } from "./breakdown.js";
import { CupedPanel } from "./cuped-panel.js";
import { DecisionBanner } from "./decision-banner.js";
import { HealthBanners, HealthSummary } from "./health-banners.js";
import { LiftCharts } from "./lift-chart.js";
import { PowerPanel } from "./power-panel.js";
import styles from "./results.module.css";
import { useExperiment, useResults } from "./results-api.js";
import { DEFAULT_ENVIRONMENT, useResultsView } from "./results-url.js";
import { Scorecard } from "./scorecard.js";
import { type AnalysisSettings, scorecardCsv } from "./scorecard-model.js";
import { UnitsChart } from "./units-chart.js";

function downloadCsv(name: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

/** The analysis settings: the experiment's, else what the report shows (sequential when it has sequential results). */
function settingsOf(experiment: Experiment | undefined, report: ResultsReport): AnalysisSettings {
  if (experiment) return experiment.analysis;
  const sequential = report.metrics.some((m) => m.comparisons.some((c) => c.sequential !== undefined));
  return { alpha: report.power.alpha * report.power.comparisons, sequential, correction: "none" };
}

/**
 * The environment whose traffic the report counts (in the URL; production is the default and
 * leaves the URL clean). Options: the environments the report says it can be asked for, else
 * (before it loads, or after an error) production, the experiment's environments and the current one.
 */
function EnvironmentSelect({
  value,
  report,
  experiment,
  onChange,
}: {
  value: string;
  report: ResultsReport | undefined;
  experiment: Experiment | undefined;
  onChange: (environment: string) => void;
}) {
  const options = [
    ...new Set(report?.environments ?? [DEFAULT_ENVIRONMENT, ...(experiment?.environments ?? [])]),
  ];
  if (!options.includes(value)) options.push(value);
  return (
    <label className={styles.inlineField}>
      <span>Environment</span>
      <select
        className="input"
        value={value}
        data-testid="environment-select"
        onChange={(e) => onChange(e.target.value)}
      >
        {options.map((env) => (
          <option key={env} value={env}>
            {env}
            {experiment && !experiment.environments.includes(env) ? " (not enabled)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Segmented control (two or more buttons, one pressed) that writes the view into the URL. */
function Toggle<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form fieldset
    <div role="group" aria-label={label} className={styles.toggle}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          className={o.value === value ? styles.toggleOn : undefined}
          onClick={() => onChange(o.value)}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/**
 * The results page: decision banner, health banners, the scorecard (relative/absolute in the
 * URL), power and days left, units per day and cumulative lift over time, and the breakdown by
 * an exposure attribute (in the URL). One report request feeds everything.
 */
export function ResultsPage() {
  const { key = "" } = useParams();
  const [view, update] = useResultsView();
  const experiment = useExperiment(key);
  const results = useResults(key, view.dimension, view.mde, view.environment);
  const name = experiment.data?.name ?? key;
  useDocumentTitle(`Results of ${name}`);
  const report = results.data;

  return (
    <section aria-labelledby="results-title" className={styles.page}>
      <p className={styles.back}>
        <Link to="/experiments">← Experiments</Link>
      </p>
      <div className={styles.head}>
        <div>
          <h1 id="results-title" className={styles.title}>
            {name}
          </h1>
          <p className={styles.subtitle}>
            <code>{key}</code>
            {experiment.data && (
              <>
                {" · "}
                <span className={styles.status}>{experiment.data.status}</span>
                {experiment.data.startedAt && <> · started {formatDateTime(experiment.data.startedAt)}</>}
                {" · "}
                {experiment.data.variants.map((v) => `${v.key} ${formatPercent(v.weight, 0)}`).join(" / ")}
              </>
            )}
          </p>
          {experiment.data?.hypothesis && <p className={styles.hypothesis}>{experiment.data.hypothesis}</p>}
          <p className={styles.subtitle} data-testid="report-environment">
            {report && report.environment === view.environment
              ? `Traffic of the ${report.environment} environment only (SDK keys of ${report.environment}).`
              : `Reading the ${view.environment} environment…`}
          </p>
        </div>
        <div className={styles.headActions}>
          <EnvironmentSelect
            value={view.environment}
            report={report}
            experiment={experiment.data}
            onChange={(env) => update({ environment: env === DEFAULT_ENVIRONMENT ? null : env })}
          />
          {report && (
            <Button
              onClick={() =>
                downloadCsv(
                  `${key}-${report.environment === DEFAULT_ENVIRONMENT ? "" : `${report.environment}-`}scorecard-${report.dataThrough.slice(0, 10)}.csv`,
                  scorecardCsv([
                    { segment: "all", metrics: report.metrics },
                    ...(report.breakdown?.segments.map((s) => ({
                      segment: `${report.breakdown?.dimension}=${s.segment}`,
                      metrics: s.metrics,
                    })) ?? []),
                  ]),
                )
              }
            >
              Export CSV
            </Button>
          )}
        </div>
      </div>

      {results.isPending && <p role="status">Reading the results…</p>}
      {results.error && !report && (
        <p role="alert" className={styles.error}>
          The results could not be read: {results.error.message}{" "}
          <Button onClick={() => void results.refetch()}>Try again</Button>
        </p>
      )}
      {report && (
        <ResultsBody
          report={report}
          experiment={experiment.data}
          fetchedAt={results.dataUpdatedAt}
          refreshing={results.isFetching}
          onRefresh={() => void results.refetch()}
          view={view}
          update={update}
        />
      )}
    </section>
  );
}

function ResultsBody({
  report,
  experiment,
  fetchedAt,
  refreshing,
  onRefresh,
  view,
  update,
}: {
  report: ResultsReport;
  experiment: Experiment | undefined;
  fetchedAt: number;
  refreshing: boolean;
  onRefresh: () => void;
  view: ReturnType<typeof useResultsView>[0];
  update: ReturnType<typeof useResultsView>[1];
}) {
  const settings = settingsOf(experiment, report);
  const chartMetric = report.metrics.find((m) => m.metric === view.metric) ?? report.metrics[0];
  return (
    <>
      <DecisionBanner
        report={report}
        recorded={experiment?.decision ?? null}
        fetchedAt={fetchedAt}
        refreshing={refreshing}
        onRefresh={onRefresh}
      />
      <HealthBanners report={report} />
      <HealthSummary report={report} />

      <section aria-labelledby="scorecard-title" className={`card ${styles.section}`}>
        <div className={styles.sectionHead}>
          <h2 id="scorecard-title" className={styles.sectionTitle}>
            Scorecard
          </h2>
          <Toggle
            label="Show lifts as"
            value={view.diff}
            options={[
              { value: "relative", label: "Relative" },
              { value: "absolute", label: "Absolute" },
            ]}
            onChange={(v) => update({ diff: v === "relative" ? null : v })}
          />
        </div>
        <p className={styles.lead}>
          Each treatment against {report.metrics[0]?.comparisons[0]?.control ?? "the control"}.{" "}
          {view.diff === "relative"
            ? "Relative lift = variant ÷ baseline − 1; every bar shares one axis around zero."
            : "Absolute lift = variant − baseline (rates in percentage points); each metric's bars share its own axis around zero."}{" "}
          {settings.sequential
            ? view.diff === "relative"
              ? "The always-valid intervals that decide the verdicts are given as absolute differences: switch to Absolute to see them."
              : "The dashed outline is the always-valid interval, which decides the verdict; the solid bar is the fixed-horizon interval."
            : `Intervals at ${formatPercent(1 - settings.alpha, 0)} confidence.`}{" "}
          Hover or focus any number for what it means.
        </p>
        <Scorecard
          metrics={report.metrics}
          mode={view.diff}
          settings={settings}
          caption={`Scorecard: every metric, primary first, each treatment against the control (${view.diff} lifts)`}
        />
      </section>

      <PowerPanel report={report} onMde={(mde) => update({ mde: mde === null ? null : String(mde) })} />

      <section aria-labelledby="time-title" className={`card ${styles.section}`}>
        <h2 id="time-title" className={styles.sectionTitle}>
          Over time
        </h2>
        {report.seriesBasis && (
          <p className={styles.lead} data-testid="series-basis">
            {report.seriesBasis === "looks"
              ? `Each day shows the report as it stood at the end of that day (UTC), computed through ${formatDateTime(report.seriesThrough ?? report.dataThrough)}.`
              : "Provisional: each day shows the units first exposed by then, with their values as of now; the day-by-day looks appear once the results worker has computed them."}
          </p>
        )}
        <div className={styles.charts}>
          <div>
            <div className={styles.sectionHead}>
              <h3 className={styles.chartHeading}>Units {view.cumulative ? "so far" : "per day"}</h3>
              <Toggle
                label="Units chart"
                value={view.cumulative ? "cumulative" : "daily"}
                options={[
                  { value: "daily", label: "Per day" },
                  { value: "cumulative", label: "Cumulative" },
                ]}
                onChange={(v) => update({ cumulative: v === "cumulative" ? "1" : null })}
              />
            </div>
            <UnitsChart series={report.series} startedAt={report.startedAt} cumulative={view.cumulative} />
          </div>
          {chartMetric && (
            <div>
              <div className={styles.sectionHead}>
                <h3 className={styles.chartHeading}>Cumulative lift: {chartMetric.name}</h3>
                <label className={styles.inlineField}>
                  <span>Metric</span>
                  <select
                    className="input"
                    value={chartMetric.metric}
                    onChange={(e) =>
                      update({ metric: e.target.value === report.metrics[0]?.metric ? null : e.target.value })
                    }
                  >
                    {report.metrics.map((m) => (
                      <option key={m.metric} value={m.metric}>
                        {m.name}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
              <p className={styles.lead}>
                Absolute difference with its{" "}
                {settings.sequential
                  ? "always-valid band (valid however often you look)"
                  : "fixed-horizon confidence band (valid only when read once, at the planned end)"}
                ; coloured on the days it excludes zero.
              </p>
              <LiftCharts series={report.series} metric={chartMetric} startedAt={report.startedAt} />
            </div>
          )}
        </div>
      </section>

      <CupedPanel report={report} />

      <Breakdown
        report={report}
        dimension={view.dimension}
        loading={refreshing}
        mode={view.diff}
        settings={settings}
        onDimension={(d) => update({ dimension: d })}
      />
    </>
  );
}
