import { useId, useState } from "react";
import type { ResultsReport } from "../../api/types.js";
import { Button } from "../../ui/button.js";
import { Explain } from "../../ui/explain.js";
import { formatCount, formatDays, formatNumber, formatPercent } from "../../ui/format.js";
import { PERCENT_RULE, parsePercent, percentText } from "../planner/number-input.js";
import styles from "./results.module.css";

/** The effect the power figure refers to: a percent field that applies on submit. */
function MdeForm({ mde, onMde }: { mde: number; onMde: (mde: number | null) => void }) {
  const [text, setText] = useState(percentText(mde));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  return (
    <form
      className={styles.mdeForm}
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parsePercent(text);
        if (!parsed.ok) return setError(parsed.message);
        if (!(parsed.value > 0 && parsed.value < 10))
          return setError("Use an effect above 0 % and below 1,000 %.");
        setError(null);
        onMde(parsed.value === 0.05 ? null : parsed.value);
      }}
    >
      <label htmlFor={id}>Effect to detect (relative)</label>
      <input
        id={id}
        className="input"
        value={text}
        inputMode="decimal"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setText(e.target.value)}
      />
      <Button type="submit">Recompute</Button>
      <span id={`${id}-hint`} className={error ? "field-error" : "field-hint"}>
        {error ?? PERCENT_RULE}
      </span>
    </form>
  );
}

/** Power achieved, units needed and days left, with the units so far and the traffic. */
export function PowerPanel({
  report,
  onMde,
}: {
  report: ResultsReport;
  onMde: (mde: number | null) => void;
}) {
  const p = report.power;
  const test = p.test === "sequential" ? "always-valid sequential test" : "fixed-horizon test";
  const change = formatPercent(p.mde);
  const total = report.units.reduce((a, u) => a + u.units, 0);
  const reached = p.achieved !== null && p.achieved >= p.target;
  return (
    <section aria-labelledby="power-title" className={`card ${styles.panel}`}>
      <div className={styles.sectionHead}>
        <h2 id="power-title" className={styles.sectionTitle}>
          Power and time
        </h2>
        <MdeForm key={p.mde} mde={p.mde} onMde={onMde} />
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>Power achieved</dt>
          <dd data-testid="power">
            <Explain
              explanation={
                p.achieved === null
                  ? `Power cannot be computed yet: ${p.reason ?? "no data"}.`
                  : `The chance that the ${test} would call a real ${change} change in ${p.metric ?? "the primary metric"} significant with the units collected so far (α = ${formatNumber(p.alpha, 4)}${p.comparisons > 1 ? `, ${p.comparisons} comparisons` : ""}). The target is ${formatPercent(p.target, 0)}. This is not the power of the observed effect.`
              }
            >
              {formatPercent(p.achieved, p.achieved !== null && p.achieved < 0.1 ? undefined : 0)}
            </Explain>
            <span className="muted"> to detect {change}</span>
          </dd>
        </div>
        <div>
          <dt>Days left</dt>
          <dd data-testid="days-left">
            <Explain
              explanation={
                p.daysLeft === undefined
                  ? report.status === "running"
                    ? "Unknown until the power can be computed."
                    : "The experiment is not running, so no more data arrives."
                  : p.daysLeft === 0
                    ? `Every variant has the ${formatCount(p.neededPerVariant)} units the ${test} needs for ${formatPercent(p.target, 0)} power.`
                    : `Days until the smallest variant reaches ${formatCount(p.neededPerVariant)} units (${formatPercent(p.target, 0)} power for a ${change} change), if each variant keeps its traffic so far.`
              }
            >
              {p.daysLeft === undefined
                ? "—"
                : p.daysLeft === 0
                  ? "None: power reached"
                  : formatDays(p.daysLeft)}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Units needed per variant</dt>
          <dd>
            <Explain
              explanation={`Units per variant at which the ${test} reaches ${formatPercent(p.target, 0)} power for a ${change} relative change, at the control's observed ${p.metric ?? "metric"}.`}
            >
              {formatCount(p.neededPerVariant)}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Units so far</dt>
          <dd>
            <Explain
              explanation={`Units counted in the report, all variants (${report.units.map((u) => `${u.variant} ${formatCount(u.units)}`).join(", ")}); units seen in several variants are excluded.`}
            >
              {formatCount(total)}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Running for</dt>
          <dd>
            <Explain explanation="Time from the start to the newest data included (fractional days rounded down).">
              {p.elapsedDays === undefined ? "—" : formatDays(Math.floor(p.elapsedDays))}
            </Explain>
          </dd>
        </div>
        <div>
          <dt>Traffic</dt>
          <dd>
            <Explain explanation="Units entering the experiment per day so far, all variants.">
              {p.unitsPerDay === undefined ? "—" : `${formatCount(p.unitsPerDay)} / day`}
            </Explain>
          </dd>
        </div>
      </dl>
      {p.achieved !== null && !reached && (
        <p className={styles.note}>Underpowered: a real {change} change could still be missed.</p>
      )}
    </section>
  );
}
