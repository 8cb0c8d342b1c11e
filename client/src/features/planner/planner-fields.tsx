import { type ReactNode, useId } from "react";
import { Explain } from "../../ui/explain.js";
import { type Parsed, parsePercent, percentText } from "./number-input.js";
import styles from "./planner.module.css";

/** Props of {@link TextField}. */
export interface TextFieldProps {
  label: string;
  /** What the field means, shown by the "?" next to the label on hover/focus. */
  explanation: ReactNode;
  value: string;
  onChange: (text: string) => void;
  /** Shown after the input ("%", "pp", "units/day"). */
  suffix?: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** Ids of further descriptions (a rule shared by several fields). */
  describedBy?: string;
  /** Called on blur, e.g. to tidy "10" into "10 %". */
  onBlur?: () => void;
  inputMode?: "decimal" | "numeric";
  name: string;
}

/** A labelled text input with its explanation, unit, hint and error (tied by aria-describedby). */
export function TextField(props: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [props.error ? errorId : null, props.hint ? hintId : null, props.describedBy ?? null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field">
      <div className={styles.labelRow}>
        <label htmlFor={id} className="field-label">
          {props.label}
        </label>
        <Explain explanation={props.explanation} className={styles.info}>
          <span aria-hidden="true" className="info-mark">
            ?
          </span>
          <span className="visually-hidden">What is {props.label}?</span>
        </Explain>
      </div>
      <div className={styles.inputRow}>
        <input
          id={id}
          name={props.name}
          className="input"
          type="text"
          inputMode={props.inputMode ?? "decimal"}
          autoComplete="off"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          onBlur={props.onBlur}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={described || undefined}
        />
        {props.suffix && (
          <span className={styles.suffix} aria-hidden="true">
            {props.suffix}
          </span>
        )}
      </div>
      {props.error && (
        <span id={errorId} className="field-error">
          {props.error}
        </span>
      )}
      {props.hint && (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}

/** Props of {@link PercentField}. */
export interface PercentFieldProps
  extends Omit<TextFieldProps, "onBlur" | "hint" | "suffix" | "describedBy"> {
  /** Field-level error from validation of the parsed value. */
  error?: string | undefined;
}

/** Id of the percent rule shown once at the top of the form (every percent field points at it). */
export const PERCENT_RULE_ID = "percent-rule";

/**
 * A percent field: shows "10 %", accepts 10 or 0.10 (the rule is shown once at the top of the form
 * and tied to every such field), echoes how it read the text ("Read as 10 %") and tidies it on blur.
 */
export function PercentField(props: PercentFieldProps) {
  const parsed: Parsed = parsePercent(props.value);
  const echo = parsed.ok ? `Read as ${percentText(parsed.value)}.` : undefined;
  return (
    <TextField
      {...props}
      error={parsed.ok ? props.error : parsed.message}
      hint={echo}
      describedBy={PERCENT_RULE_ID}
      onBlur={() => {
        if (parsed.ok) props.onChange(percentText(parsed.value));
      }}
    />
  );
}

/** Props of {@link ChoiceField}. */
export interface ChoiceFieldProps<T extends string> {
  legend: string;
  explanation: ReactNode;
  name: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (value: T) => void;
}

/** A radio group in a fieldset (arrow keys move between options). */
export function ChoiceField<T extends string>(props: ChoiceFieldProps<T>) {
  return (
    <fieldset className={styles.choice}>
      <legend className="field-label">
        {props.legend}{" "}
        <Explain explanation={props.explanation} className={styles.info}>
          <span aria-hidden="true" className="info-mark">
            ?
          </span>
          <span className="visually-hidden">What is {props.legend}?</span>
        </Explain>
      </legend>
      <div className={styles.choiceOptions}>
        {props.options.map((o) => (
          <label key={o.value} className={styles.choiceOption}>
            <input
              type="radio"
              name={props.name}
              value={o.value}
              checked={props.value === o.value}
              onChange={() => props.onChange(o.value)}
            />
            {o.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
