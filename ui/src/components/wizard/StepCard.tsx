import type { ReactNode } from "react";
import { useWizardStep, useWizardStore } from "../../lib/wizard/store";

type StepCardProps = {
  /** What follows the step's number in the heading; the step's title by default. */
  heading?: string;
  subtitle: ReactNode;
  /** On the right of the header; given (even as null), a spacer pushes it there. */
  aside?: ReactNode;
  /** `data-phase` of the card (Create). */
  phase?: string;
  children: ReactNode;
};

/** The card of the current step: "3. Build" (its number and title from the step registry), then its body. */
export function StepCard({ heading, subtitle, aside, phase, children }: StepCardProps) {
  const store = useWizardStore();
  const step = useWizardStep();
  return (
    <section className="card wizard-card" aria-labelledby="wizard-step-title" data-phase={phase}>
      <div className="card-header">
        <div>
          <h2 className="card-title" id="wizard-step-title">
            {`${step + 1}. ${heading ?? store.steps[step]?.title ?? ""}`}
          </h2>
          <p className="card-subtitle">{subtitle}</p>
        </div>
        {aside !== undefined && (
          <>
            <span className="spacer" />
            {aside}
          </>
        )}
      </div>
      <div className="wizard-card-body">{children}</div>
    </section>
  );
}
