import { useWizard, useWizardStore } from "../../lib/wizard/store";
import { CheckIcon } from "../Icons";
import { WIZARD_FORM_ID } from "./WizardFooter";

/** The steps on top of the wizard: any step reached so far can be clicked. */
export function Stepper() {
  const store = useWizardStore();
  const { step, reached, run } = useWizard();
  const create = store.indexOf("create");

  function go(index: number) {
    if (index === step || !store.canGoTo(index)) return;
    if (index > step && store.steps[step]?.section) {
      // Forward from a form: it has to validate first, like Next.
      const form = document.getElementById(WIZARD_FORM_ID);
      if (form instanceof HTMLFormElement) {
        store.setTarget(index);
        form.requestSubmit();
        return;
      }
    }
    store.goTo(index);
  }

  return (
    <nav className="stepper" aria-label="Steps">
      <ol>
        {store.steps.map((s, index) => {
          const state = index === step ? "current" : index < reached || (index === create && run.phase !== "idle") ? "complete" : index <= reached ? "reached" : "upcoming";
          const clickable = index !== step && store.canGoTo(index);
          return (
            <li key={s.key} className={`stepper-item stepper-${state}`}>
              <button
                type="button"
                className="stepper-button"
                onClick={() => go(index)}
                disabled={!clickable && index !== step}
                aria-current={index === step ? "step" : undefined}
                data-state={state}
                data-testid={`wizard-step-${index + 1}`}
              >
                <span className="stepper-number" aria-hidden="true">
                  {state === "complete" ? <CheckIcon size={13} /> : index + 1}
                </span>
                <span className="stepper-title" title={s.title}>
                  {s.short}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
