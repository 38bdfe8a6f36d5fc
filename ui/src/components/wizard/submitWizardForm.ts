import { WIZARD_FORM_ID } from "./WizardFooter";

/** Submit the current step's form, as if Next was pressed (the Source step continues by itself). */
export function submitWizardForm(): void {
  const form = document.getElementById(WIZARD_FORM_ID);
  if (form instanceof HTMLFormElement) form.requestSubmit();
}
