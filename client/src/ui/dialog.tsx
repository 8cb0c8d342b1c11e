import { type ReactNode, useEffect, useRef } from "react";

/** Props of {@link Dialog}. */
export interface DialogProps {
  open: boolean;
  /** id of the element (inside `children`) that names the dialog. */
  labelledBy: string;
  onClose: () => void;
  className?: string | undefined;
  children: ReactNode;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native `<dialog>` (`showModal`: the page behind is inert), with focus
 * kept inside (Tab and Shift+Tab wrap), Escape closing it, the first field focused on open and
 * focus returned to what had it before.
 */
export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      returnTo.current = document.activeElement as HTMLElement | null;
      if (typeof d.showModal === "function") d.showModal();
      else d.setAttribute("open", "");
      d.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    }
    if (!props.open && d.open) {
      if (typeof d.close === "function") d.close();
      else d.removeAttribute("open");
      returnTo.current?.focus();
    }
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      aria-modal="true"
      aria-labelledby={props.labelledBy}
      className={props.className}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.preventDefault();
          props.onClose();
          return;
        }
        if (e.key !== "Tab") return;
        const items = [...(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }}
    >
      {props.open && props.children}
    </dialog>
  );
}
