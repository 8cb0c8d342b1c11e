import { Explain } from "./explain.js";
import type { Verdict } from "./verdict.js";

/** Arrow + word + colour (never colour alone), with the verdict's sentence on hover/focus. */
export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <Explain explanation={verdict.sentence} className={`verdict verdict-${verdict.kind}`}>
      <span aria-hidden="true">{verdict.arrow}</span> {verdict.word}
    </Explain>
  );
}
