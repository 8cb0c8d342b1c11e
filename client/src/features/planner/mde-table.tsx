import { Explain } from "../../ui/explain.js";
import { formatCount, formatNumber, formatPercent, MISSING } from "../../ui/format.js";
import type { PlanInput, WeekRow } from "./plan.js";
import styles from "./planner.module.css";

/** Formats an absolute MDE: percentage points for rates, plain units for means. */
export function absoluteMde(input: PlanInput, x: number | null | undefined): string {
  if (x === null || x === undefined) return MISSING;
  return input.kind === "rate" ? `${formatNumber(x * 100, 2)} pp` : formatNumber(x, 4);
}

/** The MDE reachable after 1 to 8 weeks at the expected traffic (and sequential when on). */
export function MdeTable({ input, rows }: { input: PlanInput; rows: WeekRow[] }) {
  const seq = input.sequential;
  const words = (r: WeekRow, which: "fixed" | "sequential") => {
    const m = r[which];
    if (!m) return "No upward change is detectable with this many units.";
    const test = which === "fixed" ? "read once at the end" : "read any day (always-valid)";
    return `After ${r.weeks} week${r.weeks > 1 ? "s" : ""} (${formatCount(r.perVariant)} units per variant), the smallest upward change detected with ${formatPercent(input.power, 0)} power, ${test}, is ${m.relative !== null ? `${formatPercent(m.relative)} relative (` : ""}${absoluteMde(input, m.absolute)}${m.relative !== null ? ")" : ""}.`;
  };
  return (
    <table className={`table ${styles.weeks}`}>
      <caption className="visually-hidden">Minimum detectable effect after 1 to 8 weeks</caption>
      <thead>
        <tr>
          <th scope="col" rowSpan={2}>
            After
          </th>
          <th scope="col" rowSpan={2} className="num">
            Units per variant
          </th>
          <th scope="colgroup" colSpan={2} className={styles.group}>
            Fixed horizon MDE
          </th>
          {seq && (
            <th scope="colgroup" colSpan={2} className={styles.group}>
              Sequential MDE
            </th>
          )}
        </tr>
        <tr>
          <th scope="col" className="num">
            Relative
          </th>
          <th scope="col" className="num">
            Absolute
          </th>
          {seq && (
            <>
              <th scope="col" className="num">
                Relative
              </th>
              <th scope="col" className="num">
                Absolute
              </th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.weeks}>
            <th scope="row">
              {r.weeks} week{r.weeks > 1 ? "s" : ""}
            </th>
            <td className="num">
              <Explain
                explanation={`${r.weeks * 7} days of traffic split equally between ${input.variants} variants.`}
              >
                {formatCount(r.perVariant)}
              </Explain>
            </td>
            <td className="num">
              <Explain explanation={words(r, "fixed")}>{formatPercent(r.fixed?.relative)}</Explain>
            </td>
            <td className="num">
              <Explain explanation={words(r, "fixed")}>{absoluteMde(input, r.fixed?.absolute)}</Explain>
            </td>
            {seq && (
              <>
                <td className="num">
                  <Explain explanation={words(r, "sequential")}>
                    {formatPercent(r.sequential?.relative)}
                  </Explain>
                </td>
                <td className="num">
                  <Explain explanation={words(r, "sequential")}>
                    {absoluteMde(input, r.sequential?.absolute)}
                  </Explain>
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
