import { type ReactNode, useId } from "react";
import styles from "./editor.module.css";

/** A labelled input with its hint, lock reason and error, wired with aria-describedby / aria-invalid. */
export function Field(props: {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  /** Why the field is read-only (shown under it and read with it); "" disables it without repeating a reason said around it. */
  locked?: string | undefined;
  children: (a: {
    id: string;
    "aria-describedby"?: string;
    "aria-invalid"?: boolean;
    disabled?: boolean;
  }) => ReactNode;
}) {
  const id = useId();
  const described = [
    props.hint ? `${id}-hint` : "",
    props.locked ? `${id}-lock` : "",
    props.error ? `${id}-error` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        ...(described ? { "aria-describedby": described } : {}),
        ...(props.error ? { "aria-invalid": true } : {}),
        ...(props.locked !== undefined ? { disabled: true } : {}),
      })}
      {props.hint && (
        <span id={`${id}-hint`} className={styles.hint}>
          {props.hint}
        </span>
      )}
      {props.locked && (
        <span id={`${id}-lock`} className={styles.lock}>
          {props.locked}
        </span>
      )}
      {props.error && (
        <span id={`${id}-error`} className={styles.error}>
          {props.error}
        </span>
      )}
    </div>
  );
}
