import { type ReactNode, useId, useState } from "react";
import { Button } from "../../ui/button.js";
import {
  type Builder,
  builderToCondition,
  conditionToBuilder,
  emptyRule,
  type Group,
  type Join,
  OPERATOR_LABELS,
  ROW_OPERATORS,
  type RowOperator,
  type Rule,
} from "./condition-model.js";
import styles from "./editor.module.css";

/** Props of {@link ConditionBuilder}. */
export interface ConditionBuilderProps {
  mode: "builder" | "json";
  builder: Builder;
  text: string;
  /** Field errors of the editor: `condition` and `condition.items.…` are shown here. */
  errors: Record<string, string>;
  onChange: (next: { mode: "builder" | "json"; builder: Builder; text: string }) => void;
  /** Read-only, with this reason (the experiment's status locks it). */
  locked?: string | undefined;
}

/** A labelled control of one row: the visible word plus, for screen readers, which row it is. */
function RowControl(props: {
  where: string;
  label: string;
  error?: string | undefined;
  wide?: boolean;
  children: (a: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
}) {
  const id = useId();
  return (
    <div className={`${styles.field} ${props.wide ? styles.wide : ""}`}>
      <label htmlFor={id} className={styles.small}>
        <span className="visually-hidden">{props.where} </span>
        {props.label}
      </label>
      {props.children({
        id,
        ...(props.error ? { "aria-describedby": `${id}-error`, "aria-invalid": true } : {}),
      })}
      {props.error && (
        <span id={`${id}-error`} className={styles.error}>
          {props.error}
        </span>
      )}
    </div>
  );
}

function ValueInput(props: {
  rule: Rule;
  a: { id: string };
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const { rule, a } = props;
  if (rule.operator === "$exists") {
    return (
      <select
        {...a}
        disabled={props.disabled}
        value={rule.value === "false" ? "false" : "true"}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="true">true: present and not null</option>
        <option value="false">false: missing or null</option>
      </select>
    );
  }
  if (rule.operator === "$in" || rule.operator === "$nin") {
    return (
      <textarea
        {...a}
        rows={Math.min(4, Math.max(2, rule.value.split("\n").length))}
        className={styles.mono}
        disabled={props.disabled}
        value={rule.value}
        placeholder={"US\nCA"}
        onChange={(e) => props.onChange(e.target.value)}
      />
    );
  }
  return (
    <input
      {...a}
      className={styles.mono}
      disabled={props.disabled}
      value={rule.value}
      placeholder={rule.operator === "$regex" ? "^Mozilla/" : 'US, 18, true or "18"'}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

function valueHint(op: RowOperator): string {
  if (op === "$in" || op === "$nin") return "Values, one per line";
  if (op === "$exists") return "Value";
  if (op === "$regex") return "Pattern";
  return "Value";
}

function RuleRow(props: {
  rule: Rule;
  where: string;
  at: string;
  errors: Record<string, string>;
  disabled: boolean;
  onChange: (rule: Rule) => void;
  onRemove: () => void;
}) {
  const { rule, where, at, errors } = props;
  const set = (patch: Partial<Rule>) => props.onChange({ ...rule, ...patch });
  return (
    <fieldset className={styles.rule}>
      <legend className="visually-hidden">{where}</legend>
      <RowControl where={where} label="Attribute" error={errors[`condition.${at}.attribute`]}>
        {(a) => (
          <input
            {...a}
            className={styles.mono}
            disabled={props.disabled}
            value={rule.attribute}
            placeholder="country"
            onChange={(e) => set({ attribute: e.target.value })}
          />
        )}
      </RowControl>
      <label className={styles.notToggle}>
        <input
          type="checkbox"
          disabled={props.disabled}
          checked={rule.not}
          onChange={(e) => set({ not: e.target.checked })}
        />{" "}
        <span className="visually-hidden">{where} </span>not
      </label>
      <RowControl where={where} label="Operator">
        {(a) => (
          <select
            {...a}
            disabled={props.disabled}
            value={rule.operator}
            onChange={(e) => {
              const operator = e.target.value as RowOperator;
              set({
                operator,
                value: operator === "$exists" ? "true" : rule.operator === "$exists" ? "" : rule.value,
              });
            }}
          >
            {ROW_OPERATORS.map((op) => (
              <option key={op} value={op}>
                {OPERATOR_LABELS[op]}
              </option>
            ))}
          </select>
        )}
      </RowControl>
      <RowControl where={where} label={valueHint(rule.operator)} error={errors[`condition.${at}.value`]} wide>
        {(a) => (
          <ValueInput rule={rule} a={a} disabled={props.disabled} onChange={(value) => set({ value })} />
        )}
      </RowControl>
      <Button
        variant="ghost"
        disabled={props.disabled}
        aria-label={`Remove ${where.toLowerCase()}`}
        onClick={props.onRemove}
      >
        Remove
      </Button>
    </fieldset>
  );
}

function JoinChoice(props: { label: string; join: Join; disabled: boolean; onChange: (join: Join) => void }) {
  const name = useId();
  return (
    <fieldset className={styles.join}>
      <legend className={styles.small}>{props.label}</legend>
      {(["and", "or"] as const).map((j) => (
        <label key={j}>
          <input
            type="radio"
            name={name}
            disabled={props.disabled}
            checked={props.join === j}
            onChange={() => props.onChange(j)}
          />{" "}
          {j === "and" ? "all of these (and)" : "any of these (or)"}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The targeting condition: rows of attribute / operator / value joined by and/or, with nested
 * groups one level down, or the raw JSON. Switching to JSON writes the builder's condition;
 * switching back reads the JSON into rows when the builder can show it, else it stays in JSON
 * and says why.
 */
export function ConditionBuilder(props: ConditionBuilderProps) {
  const { builder, errors } = props;
  const disabled = props.locked !== undefined;
  const [switchMessage, setSwitchMessage] = useState("");
  const textId = useId();
  const emit = (patch: Partial<{ mode: "builder" | "json"; builder: Builder; text: string }>) =>
    props.onChange({ mode: props.mode, builder, text: props.text, ...patch });
  const setItems = (items: Builder["items"]) => emit({ builder: { ...builder, items } });
  const setItem = (i: number, item: Rule | Group) =>
    setItems(builder.items.map((x, j) => (j === i ? item : x)));
  const removeItem = (i: number) => setItems(builder.items.filter((_, j) => j !== i));

  const toJson = () => {
    const condition = builderToCondition(builder);
    setSwitchMessage("");
    emit({ mode: "json", text: condition ? JSON.stringify(condition, null, 2) : "" });
  };
  const toBuilder = () => {
    let value: unknown = null;
    if (props.text.trim() !== "") {
      try {
        value = JSON.parse(props.text);
      } catch (error) {
        setSwitchMessage(
          `The JSON does not parse (${(error as Error).message}); fix it first. It stays in JSON.`,
        );
        return;
      }
    }
    const next = conditionToBuilder(value as Parameters<typeof conditionToBuilder>[0]);
    if (!next) {
      setSwitchMessage(
        "The builder cannot show this condition (it nests deeper than one group, uses a condition-level $not, or is not a condition), so it stays in JSON.",
      );
      return;
    }
    setSwitchMessage("");
    emit({ mode: "builder", builder: next });
  };

  const preview = props.mode === "builder" ? builderToCondition(builder) : null;
  return (
    <fieldset className={styles.fieldset} aria-describedby={props.locked ? `${textId}-lock` : undefined}>
      <legend>Targeting condition</legend>
      {props.locked && (
        <p id={`${textId}-lock`} className={styles.lock}>
          {props.locked}
        </p>
      )}
      <p className={styles.hint}>
        Who is eligible, by user attributes the SDK receives. No rules = everyone. Values are read as JSON
        when they are (18 is a number, true a boolean); quote to compare text: "18".
      </p>
      <div className={styles.row}>
        <Button
          aria-pressed={props.mode === "json"}
          disabled={disabled}
          onClick={props.mode === "builder" ? toJson : toBuilder}
        >
          {props.mode === "builder" ? "Edit as JSON" : "Edit with the builder"}
        </Button>
      </div>
      <div aria-live="polite">
        {switchMessage && (
          <p className={styles.note} role="status">
            {switchMessage}
          </p>
        )}
      </div>
      {props.mode === "json" ? (
        <div className={styles.field}>
          <label htmlFor={textId}>Targeting condition (JSON)</label>
          <textarea
            id={textId}
            rows={6}
            className={styles.mono}
            disabled={disabled}
            value={props.text}
            placeholder='{"country": {"$in": ["US", "CA"]}}'
            aria-describedby={errors.condition ? `${textId}-error` : undefined}
            aria-invalid={errors.condition ? true : undefined}
            onChange={(e) => emit({ text: e.target.value })}
          />
          {errors.condition && (
            <span id={`${textId}-error`} className={styles.error}>
              {errors.condition}
            </span>
          )}
        </div>
      ) : (
        <>
          {builder.items.length > 1 && (
            <JoinChoice
              label="Match"
              join={builder.join}
              disabled={disabled}
              onChange={(join) => emit({ builder: { ...builder, join } })}
            />
          )}
          {builder.items.map((item, i) =>
            item.kind === "rule" ? (
              <RuleRow
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (errors use indexes)
                key={i}
                rule={item}
                where={`Rule ${i + 1}`}
                at={`items.${i}`}
                errors={errors}
                disabled={disabled}
                onChange={(rule) => setItem(i, rule)}
                onRemove={() => removeItem(i)}
              />
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional (errors use indexes)
              <fieldset key={i} className={styles.group}>
                <legend>{`Group ${i + 1}`}</legend>
                <JoinChoice
                  label={`Group ${i + 1} matches`}
                  join={item.join}
                  disabled={disabled}
                  onChange={(join) => setItem(i, { ...item, join })}
                />
                {item.rules.map((rule, j) => (
                  <RuleRow
                    // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
                    key={j}
                    rule={rule}
                    where={`Group ${i + 1} rule ${j + 1}`}
                    at={`items.${i}.rules.${j}`}
                    errors={errors}
                    disabled={disabled}
                    onChange={(r) =>
                      setItem(i, { ...item, rules: item.rules.map((x, k) => (k === j ? r : x)) })
                    }
                    onRemove={() => setItem(i, { ...item, rules: item.rules.filter((_, k) => k !== j) })}
                  />
                ))}
                {errors[`condition.items.${i}`] && (
                  <p className={styles.error}>{errors[`condition.items.${i}`]}</p>
                )}
                <div className={styles.row}>
                  <Button
                    disabled={disabled}
                    onClick={() => setItem(i, { ...item, rules: [...item.rules, emptyRule()] })}
                  >
                    {`Add rule to group ${i + 1}`}
                  </Button>
                  <Button variant="ghost" disabled={disabled} onClick={() => removeItem(i)}>
                    {`Remove group ${i + 1}`}
                  </Button>
                </div>
              </fieldset>
            ),
          )}
          <div className={styles.row}>
            <Button disabled={disabled} onClick={() => setItems([...builder.items, emptyRule()])}>
              Add rule
            </Button>
            <Button
              disabled={disabled}
              onClick={() =>
                setItems([
                  ...builder.items,
                  { kind: "group", join: builder.join === "and" ? "or" : "and", rules: [emptyRule()] },
                ])
              }
            >
              Add group
            </Button>
          </div>
          {errors.condition && (
            <p className={styles.error} role="alert">
              {errors.condition}
            </p>
          )}
          <p className={styles.hint}>
            Sends:{" "}
            <code data-testid="condition-preview">
              {preview ? JSON.stringify(preview) : "null (everyone)"}
            </code>
          </p>
        </>
      )}
    </fieldset>
  );
}
