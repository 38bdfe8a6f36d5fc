import type { ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { dashed, useIssue } from "../../lib/wizard/issues";
import { ChoiceCards as Cards, type Choice } from "../ChoiceCards";
import { Field as FieldRow, type ControlProps, type FieldProps as FieldRowProps } from "../Field";

/** The props a plan field's control gets: id, error state and the e2e test id `plan-<path>`. */
export type PlanControlProps = ControlProps & { "data-testid": string };

type FieldProps = Omit<FieldRowProps, "errorTestId" | "warningTestId" | "hideLabel" | "id" | "children" | "error"> & {
  /** The plan path this field edits, e.g. `build.timeoutMinutes`. */
  path: string;
  /** The zod (form) error; wins over the Rust issue for the same path. */
  error?: string;
  /** Overrides the control's default test id `plan-<path>`. */
  testId?: string;
  children: (control: PlanControlProps) => ReactNode;
};

/** A plan field: the field row, with its form error or else the plan_validate issue for its path. */
export function Field({ path, error, testId, children, ...row }: FieldProps) {
  const issue = useIssue(path);
  const controlTestId = testId ?? `plan-${dashed(path)}`;
  return (
    <FieldRow
      {...row}
      error={error ?? issue}
      errorTestId={`field-error-${dashed(path)}`}
      warningTestId={`field-warning-${dashed(path)}`}
      testId={controlTestId}
    >
      {(control) => children({ ...control, "data-testid": controlTestId })}
    </FieldRow>
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

type PlanChoiceCardsProps<V extends string> = {
  legend: ReactNode;
  choices: readonly Choice<V>[];
  registration: UseFormRegisterReturn;
  layout?: "row" | "column";
  /** The plan path of the choice, to show its plan_validate issue. */
  path?: string;
};

/** Choice cards for a plan field, with the plan_validate issue of its path under them. */
export function ChoiceCards<V extends string>({ path, ...cards }: PlanChoiceCardsProps<V>) {
  return <Cards {...cards}>{path && <PathMessage path={path} />}</Cards>;
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

/** A checkbox that, ticked, opens the fields it turns on (a grid under it). */
export function OptionGroup({ open, children, ...checkbox }: CheckboxProps & { open: boolean; children: ReactNode }) {
  return (
    <div className="wizard-group">
      <div className="checkbox-row">
        <Checkbox {...checkbox} />
      </div>
      {open && <div className="form-grid">{children}</div>}
    </div>
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
