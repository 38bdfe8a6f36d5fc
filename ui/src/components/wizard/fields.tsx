import { useId, type ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { dashed } from "../../lib/wizard/steps";
import { useIssue } from "../../lib/wizard/issues";
import { AlertIcon } from "../Icons";

/** The props a field's control needs: id, error state and the e2e test id `plan-<path>`. */
export type ControlProps = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string;
  "data-testid": string;
};

type FieldProps = {
  /** The plan path this field edits, e.g. `build.timeoutMinutes`. */
  path: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The zod (form) error; wins over the Rust issue for the same path. */
  error?: string;
  /** A non-blocking warning, shown under the hint. */
  warning?: ReactNode;
  optional?: boolean;
  className?: string;
  /** Overrides the control's default test id `plan-<path>`. */
  testId?: string;
  children: (control: ControlProps) => ReactNode;
};

/** A labelled control with its hint, its form error or plan_validate issue, and an optional warning. */
export function Field({ path, label, hint, error, warning, optional, className, testId, children }: FieldProps) {
  const id = useId();
  const issue = useIssue(path);
  const message = error ?? issue;
  const messageId = `${id}-message`;
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="optional">optional</span>}
      </label>
      {children({
        id,
        "aria-invalid": message ? true : undefined,
        "aria-describedby": messageId,
        "data-testid": testId ?? `plan-${dashed(path)}`,
      })}
      {message ? (
        <p className="field-error" id={messageId} data-testid={`field-error-${dashed(path)}`}>
          {message}
        </p>
      ) : hint ? (
        <p className="field-hint" id={messageId}>
          {hint}
        </p>
      ) : null}
      {warning && <FieldWarning testId={`field-warning-${dashed(path)}`}>{warning}</FieldWarning>}
    </div>
  );
}

export function FieldWarning({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="field-warning" data-testid={testId}>
      <AlertIcon size={13} />
      <span>{children}</span>
    </p>
  );
}

/** A message for a path that has no single control (e.g. a radio group). */
export function PathMessage({ path, error }: { path: string; error?: string }) {
  const issue = useIssue(path);
  const message = error ?? issue;
  return message ? (
    <p className="field-error" data-testid={`field-error-${dashed(path)}`}>
      {message}
    </p>
  ) : null;
}

export type Choice<V extends string> = {
  value: V;
  title: ReactNode;
  description?: ReactNode;
  testId?: string;
};

type ChoiceCardsProps<V extends string> = {
  legend: ReactNode;
  choices: readonly Choice<V>[];
  registration: UseFormRegisterReturn;
  /** Side by side (short options) or stacked. */
  layout?: "row" | "column";
  /** The plan path of the choice, to show its plan_validate issue. */
  path?: string;
};

/** A radio group drawn as cards, each with a one-line explanation. */
export function ChoiceCards<V extends string>({
  legend,
  choices,
  registration,
  layout = "row",
  path,
}: ChoiceCardsProps<V>) {
  return (
    <fieldset className="choice-group">
      <legend className="choice-legend">{legend}</legend>
      <div className={`choice-cards choice-cards-${layout}`}>
        {choices.map((choice) => (
          <label key={choice.value} className="choice-card">
            <input type="radio" value={choice.value} data-testid={choice.testId} {...registration} />
            <span className="choice-text">
              <span className="choice-title">{choice.title}</span>
              {choice.description && <span className="choice-description">{choice.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {path && <PathMessage path={path} />}
    </fieldset>
  );
}

type CheckboxProps = {
  label: ReactNode;
  description?: ReactNode;
  registration: UseFormRegisterReturn;
  testId: string;
};

export function Checkbox({ label, description, registration, testId }: CheckboxProps) {
  return (
    <label className="checkbox checkbox-described">
      <input type="checkbox" data-testid={testId} {...registration} />
      <span className="choice-text">
        <span>{label}</span>
        {description && <span className="choice-description">{description}</span>}
      </span>
    </label>
  );
}

export function Section({ title, children, aside }: { title: ReactNode; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="wizard-section">
      <div className="wizard-section-header">
        <h3 className="wizard-section-title">{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}
