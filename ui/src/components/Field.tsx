import { useId, type ComponentProps, type ReactNode } from "react";
import { AlertIcon } from "./Icons";

/** What a field's control gets: its id, its error state, and its test id. */
export type ControlProps = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  "data-testid": string | undefined;
};

export type FieldProps = {
  label: ReactNode;
  /** Marks the label "optional". */
  optional?: boolean;
  /** Keeps the label for screen readers only (a row of inputs under a common heading). */
  hideLabel?: boolean;
  /** Under the control, unless there is an error. */
  hint?: ReactNode;
  /** Wins over the hint; the control is marked invalid. */
  error?: ReactNode;
  errorTestId?: string;
  /** A non-blocking warning, under the hint or error. */
  warning?: ReactNode;
  warningTestId?: string;
  className?: string;
  /** The control's id; one is made up when not given. */
  id?: string;
  /** The control's data-testid. */
  testId?: string;
  children: (control: ControlProps) => ReactNode;
};

/**
 * One labelled form control with its hint or error (and an optional warning): the field row of
 * every form and dialog. The control is rendered by `children` with the props that tie it to its
 * label and message.
 */
export function Field({
  label,
  optional,
  hideLabel,
  hint,
  error,
  errorTestId,
  warning,
  warningTestId,
  className,
  id: givenId,
  testId,
  children,
}: FieldProps) {
  const madeId = useId();
  const id = givenId ?? madeId;
  const messageId = `${id}-message`;
  const message = error ? (
    <p className="field-error" id={messageId} data-testid={errorTestId}>
      {error}
    </p>
  ) : hint ? (
    <p className="field-hint" id={messageId}>
      {hint}
    </p>
  ) : null;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id} className={hideLabel ? "visually-hidden" : undefined}>
        {label}
        {optional && <span className="optional">optional</span>}
      </label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": message ? messageId : undefined,
        "data-testid": testId,
      })}
      {message}
      {warning && <FieldWarning testId={warningTestId}>{warning}</FieldWarning>}
    </div>
  );
}

/** A warning line under a field (or a group of choices). */
export function FieldWarning({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="field-warning" data-testid={testId}>
      <AlertIcon size={13} />
      <span>{children}</span>
    </p>
  );
}

/**
 * A one-line input for what is not prose (a name, an ARN, a path, a URL): no autocomplete and no
 * spell check, monospace unless `plain`. Other props (type, placeholder, a registration) pass on.
 */
export function CodeInput({ plain, className, ...props }: ComponentProps<"input"> & { plain?: boolean }) {
  const classes = [plain ? undefined : "mono", className].filter(Boolean).join(" ");
  return <input type="text" autoComplete="off" spellCheck={false} className={classes || undefined} {...props} />;
}
