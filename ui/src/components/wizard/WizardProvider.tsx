import { useState, type ReactNode } from "react";
import { WizardContext, WizardStore } from "../../lib/wizard/store";

/** Holds the New pipeline wizard's state for the app's lifetime (it survives page changes). */
export function WizardProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => new WizardStore());
  return <WizardContext.Provider value={store}>{children}</WizardContext.Provider>;
}
