import { useQueryClient } from "@tanstack/react-query";
import { useContext, useEffect, useState, type ReactNode } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { Issue } from "../../bindings/Issue";
import type { Plan } from "../../bindings/Plan";
import { IssuesContext } from "../../lib/wizard/issues";
import { wizardKeys } from "../../lib/wizard/queries";
import { useWizardStep, useWizardStore } from "../../lib/wizard/store";
import { ErrorNotice } from "../ErrorNotice";
import { AlertIcon } from "../Icons";
import { StepCard } from "./StepCard";
import { WIZARD_FORM_ID, WizardFooter } from "./WizardFooter";

type StepFormProps<V extends FieldValues, O> = {
  form: UseFormReturn<V, unknown, O>;
  /** Writes the form's values into the plan (a pure function of both). */
  apply: (plan: Plan, values: V) => Plan;
  intro: ReactNode;
  children: ReactNode;
};

/**
 * A wizard step's form: every change goes straight into the shared plan (so Back, the stepper and
 * live validation see it); Next checks the zod schema, then plan_validate for this step's fields.
 */
export function StepForm<V extends FieldValues, O>({ form, apply, intro, children }: StepFormProps<V, O>) {
  const store = useWizardStore();
  // A step's form is only ever shown as the current step.
  const step = useWizardStep();
  const client = useQueryClient();
  const [checking, setChecking] = useState(false);
  const [blocking, setBlocking] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<AppError | null>(null);
  // Issues that blocked Next, for as long as live validation still reports their field.
  const live = useContext(IssuesContext);
  const shown = blocking.filter((issue) => live.has(issue.path));

  useEffect(
    () =>
      form.subscribe({
        formState: { values: true },
        callback: ({ values }) => store.updatePlan((plan) => apply(plan, values)),
      }),
    [form, store, apply],
  );

  const onSubmit = form.handleSubmit(
    async () => {
      const current = store.getState().plan;
      if (!current) return;
      const plan = apply(current, form.getValues());
      store.updatePlan(() => plan);
      setChecking(true);
      setFailure(null);
      try {
        const issues = await api.planValidate(plan);
        client.setQueryData(wizardKeys.planValidate(plan), issues);
        const mine = issues.filter((issue) => store.formStepOf(issue.path) === step);
        setBlocking(mine);
        if (mine.length > 0) {
          store.setTarget(null);
          return;
        }
      } catch (caught) {
        setFailure(toAppError(caught));
        store.setTarget(null);
        return;
      } finally {
        setChecking(false);
      }
      store.advance();
    },
    () => store.setTarget(null),
  );

  return (
    <form id={WIZARD_FORM_ID} className="wizard-form" noValidate onSubmit={(event) => void onSubmit(event)}>
      <StepCard subtitle={intro}>{children}</StepCard>
      {shown.length > 0 && (
        <div className="notice notice-error" role="alert" data-testid="wizard-issues">
          <AlertIcon size={16} className="notice-icon" />
          <div className="notice-body">
            <div className="notice-title">Fix these fields first</div>
            <ul className="issue-list">
              {shown.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <span className="mono">{issue.path}</span> {issue.message}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {failure && <ErrorNotice error={failure} testId="wizard-validate-error" />}
      <WizardFooter busy={checking} />
    </form>
  );
}
