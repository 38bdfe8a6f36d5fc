import { useState, type ReactNode } from "react";
import { WizardContext, WizardStore } from "../../lib/wizard/store";
import { STEPS } from "./steps";

/** Holds the New pipeline wizard's state for the app's lifetime (it survives page changes). */
export function WizardProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new WizardStore(STEPS));
  return <WizardContext.Provider value={store}>{children}</WizardContext.Provider>;
}
