import { useDeferredValue, useEffect, useMemo, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { Button } from "../../ui/button.js";
import { formatNumber, formatPercent } from "../../ui/format.js";
import { useDocumentTitle } from "../../ui/use-document-title.js";
import { DaysChart } from "./days-chart.js";
import { MdeTable } from "./mde-table.js";
import { PERCENT_RULE } from "./number-input.js";
import { computePlan, computePlanDetails, type PlanInput } from "./plan.js";
import { PlanSummary } from "./plan-summary.js";
import { type PlanText, PP_RULE, planToText, textToPlan } from "./plan-text.js";
import { planFromSearch, plannedExperimentSearch, planToSearch } from "./plan-url.js";
import styles from "./planner.module.css";
import { ChoiceField, PERCENT_RULE_ID, PercentField, TextField } from "./planner-fields.js";

/**
 * The planner: inputs on the left, the plan on the right, updated as you type; the chart and the
 * week table below. Inputs live in the URL, so a plan is a link; "Use this plan" opens the editor.
 */
export function PlannerPage() {
  useDocumentTitle("Planner");
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [text, setText] = useState<PlanText>(() => planToText(planFromSearch(params)));
  const { plan: input, errors } = useMemo(() => textToPlan(text), [text]);
  const result = useMemo(() => (input ? computePlan(input) : null), [input]);
  const fieldErrors = result && !result.ok ? { ...errors, ...result.errors } : errors;
  const plan = result?.ok ? result.plan : null;
  // The chart and the table may lag a keystroke behind (computed in a deferred render); the
  // headline figures never do.
  const deferredInput = useDeferredValue(plan ? input : null);
  const deferred = useMemo(
    () => (deferredInput ? { input: deferredInput, plan: computePlanDetails(deferredInput) } : null),
    [deferredInput],
  );

  useEffect(() => {
    if (!input) return;
    const next = planToSearch(input).toString();
    if (next !== params.toString()) setParams(new URLSearchParams(next), { replace: true });
  }, [input, params, setParams]);

  const set = <K extends keyof PlanText>(key: K, value: PlanText[K]) =>
    setText((t) => ({ ...t, [key]: value }));
  const switchKind = (kind: PlanInput["kind"]) =>
    setText((t) => ({ ...t, kind, baseline: kind === "rate" ? "10 %" : "50", sd: t.sd || "20" }));
  const switchMode = (mdeMode: PlanInput["mdeMode"]) =>
    setText((t) => ({
      ...t,
      mdeMode,
      mde: mdeMode === "relative" ? "5 %" : t.kind === "rate" ? "0.5" : "1",
    }));

  const formatMde = (m: number) =>
    text.mdeMode === "relative"
      ? formatPercent(m, 1)
      : text.kind === "rate"
        ? `${formatNumber(m * 100, 2)} pp`
        : formatNumber(m, 3);

  return (
    <section aria-labelledby="planner-title">
      <h1 id="planner-title" className={styles.title}>
        Plan a test
      </h1>
      <p className={styles.lead}>
        How many units and days a test needs to detect the effect you care about. Every figure comes from the
        same statistics the results report uses.
      </p>
      <div className={styles.layout}>
        <form className={`card ${styles.form}`} onSubmit={(e) => e.preventDefault()} aria-label="Plan inputs">
          <p id={PERCENT_RULE_ID} className={styles.rule}>
            <strong>Percentages:</strong> {PERCENT_RULE}
          </p>
          <ChoiceField
            legend="Metric"
            name="kind"
            value={text.kind}
            onChange={switchKind}
            explanation="A conversion rate (did the unit convert: sign-up, purchase) or a mean of a continuous value (revenue, time on page), which needs its standard deviation."
            options={[
              { value: "rate", label: "Conversion rate" },
              { value: "mean", label: "Mean (with sd)" },
            ]}
          />
          {text.kind === "rate" ? (
            <PercentField
              name="baseline"
              label="Baseline rate"
              value={text.baseline}
              onChange={(v) => set("baseline", v)}
              error={fieldErrors.baseline}
              explanation="The control's conversion rate today: the share of units that convert."
            />
          ) : (
            <div className={styles.pair}>
              <TextField
                name="baseline"
                label="Baseline mean"
                value={text.baseline}
                onChange={(v) => set("baseline", v)}
                error={fieldErrors.baseline}
                explanation="The control's mean value per unit today (for example revenue per user)."
              />
              <TextField
                name="sd"
                label="Standard deviation"
                value={text.sd}
                onChange={(v) => set("sd", v)}
                error={fieldErrors.sd}
                explanation="How much the value varies between units (standard deviation per unit), from past data."
              />
            </div>
          )}
          <ChoiceField
            legend="Effect to detect"
            name="mdeMode"
            value={text.mdeMode}
            onChange={switchMode}
            explanation="The minimum detectable effect (MDE): the smallest change worth detecting. Relative is a share of the baseline (5 % of 10 % is 0.5 points); absolute is in the metric's unit."
            options={[
              { value: "relative", label: "Relative" },
              { value: "absolute", label: "Absolute" },
            ]}
          />
          {text.mdeMode === "relative" ? (
            <PercentField
              name="mde"
              label="Minimum detectable effect"
              value={text.mde}
              onChange={(v) => set("mde", v)}
              error={fieldErrors.mde}
              explanation="The smallest relative change you want to detect: 5 % turns a 10 % rate into 10.5 %."
            />
          ) : (
            <TextField
              name="mde"
              label="Minimum detectable effect"
              value={text.mde}
              onChange={(v) => set("mde", v)}
              error={fieldErrors.mde}
              suffix={text.kind === "rate" ? "pp" : undefined}
              hint={text.kind === "rate" ? PP_RULE : "In the metric's unit."}
              explanation="The smallest absolute change you want to detect."
            />
          )}
          <div className={styles.pair}>
            <PercentField
              name="alpha"
              label="Significance (alpha)"
              value={text.alpha}
              onChange={(v) => set("alpha", v)}
              error={fieldErrors.alpha}
              explanation="The false-positive rate you accept: with 5 %, an A/A test (no real difference) is called significant 5 % of the time."
            />
            <PercentField
              name="power"
              label="Power"
              value={text.power}
              onChange={(v) => set("power", v)}
              error={fieldErrors.power}
              explanation="The chance of detecting the effect if it is real. 80 % is common; higher power needs more units."
            />
          </div>
          <div className={styles.pair}>
            <TextField
              name="variants"
              label="Variants"
              inputMode="numeric"
              value={text.variants}
              onChange={(v) => set("variants", v)}
              error={fieldErrors.variants}
              hint="Control included, equal split."
              explanation="How many arms the test has, control included (2 to 10). Traffic is split equally."
            />
            <TextField
              name="dailyUnits"
              label="Units per day"
              inputMode="numeric"
              value={text.dailyUnits}
              onChange={(v) => set("dailyUnits", v)}
              error={fieldErrors.dailyUnits}
              explanation="How many new units (users) reach the tested page or feature each day."
            />
          </div>
          <PercentField
            name="coverage"
            label="Coverage"
            value={text.coverage}
            onChange={(v) => set("coverage", v)}
            error={fieldErrors.coverage}
            explanation="The share of those units included in the experiment; the rest see the current experience."
          />
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={text.sequential}
              onChange={(e) => set("sequential", e.target.checked)}
            />
            <span>
              <strong>Sequential</strong>: I will look at the results every day (always-valid inference)
            </span>
          </label>
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={text.correction}
              onChange={(e) => set("correction", e.target.checked)}
            />
            <span>
              <strong>Correct for multiple comparisons</strong> (Holm, the experiments' default): with more
              than two variants alpha is shared between the comparisons
            </span>
          </label>
        </form>

        <div className={`card ${styles.result}`}>
          <h2 className={styles.resultTitle}>Your plan</h2>
          {plan && input ? (
            <>
              <PlanSummary input={input} plan={plan} />
              <Button
                variant="primary"
                onClick={() =>
                  navigate(
                    `/experiments/new?${plannedExperimentSearch({ plan: input, perVariant: plan.chosen.perVariant, days: plan.weeks * 7 })}`,
                  )
                }
              >
                Use this plan
              </Button>
              <p className="field-hint">
                Opens a new experiment with these settings and a planned duration of {plan.weeks * 7} days.
              </p>
            </>
          ) : (
            <p role="status" className={styles.invalid}>
              Fix the highlighted fields to see the plan.
            </p>
          )}
        </div>
      </div>

      {deferred && (
        <div className={styles.below}>
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title" className={styles.sectionTitle}>
              Days needed by effect size
            </h2>
            <DaysChart
              curve={deferred.plan.curve}
              mde={deferred.input.mde}
              formatMde={formatMde}
              sequential={deferred.input.sequential}
            />
          </section>
          <section className="card" aria-labelledby="weeks-title">
            <h2 id="weeks-title" className={styles.sectionTitle}>
              What you can detect after 1 to 8 weeks
            </h2>
            <MdeTable input={deferred.input} rows={deferred.plan.weekTable} />
          </section>
        </div>
      )}
    </section>
  );
}
