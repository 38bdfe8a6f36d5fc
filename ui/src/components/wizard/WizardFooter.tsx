import type { ReactNode } from "react";
import { useWizard, useWizardStore } from "../../lib/wizard/store";
import { ChevronRightIcon } from "../Icons";
import { Spinner } from "../Spinner";

/** The id of the current step's form: the footer's Next button and the stepper submit it. */
export const WIZARD_FORM_ID = "wizard-step-form";

type WizardFooterProps = {
  /** Next submits the step's form; false = no Next button (Review and Create have their own). */
  next?: boolean;
  busy?: boolean;
  children?: ReactNode;
};

export function WizardFooter({ next = true, busy = false, children }: WizardFooterProps) {
  const store = useWizardStore();
  const { step } = useWizard();
  return (
    <div className="wizard-footer">
      <button
        type="button"
        className="button"
        onClick={() => store.back()}
        disabled={step === 0 || busy}
        data-testid="wizard-back"
      >
        Back
      </button>
      <span className="spacer" />
      {children}
      {next && (
        <button
          type="submit"
          form={WIZARD_FORM_ID}
          className="button button-primary"
          disabled={busy}
          data-testid="wizard-next"
        >
          {busy ? <Spinner size={14} /> : null}
          Next
          <ChevronRightIcon size={14} />
        </button>
      )}
    </div>
  );
}
