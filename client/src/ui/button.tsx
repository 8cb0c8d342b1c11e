import type { ButtonHTMLAttributes } from "react";

/** Props of {@link Button}. */
export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "ghost";
}

/** A button (type="button" unless told otherwise) in one of three looks. */
export function Button({ variant = "secondary", className, type = "button", ...props }: ButtonProps) {
  const classes = ["btn", `btn-${variant}`, className].filter(Boolean).join(" ");
  return <button type={type} className={classes} {...props} />;
}
