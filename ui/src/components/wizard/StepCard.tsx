import type { ReactNode } from "react";
import { useWizardStep, useWizardStore } from "../../lib/wizard/store";
import { Card } from "../Card";

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
    <Card
      titleId="wizard-step-title"
      title={`${step + 1}. ${heading ?? store.steps[step]?.title ?? ""}`}
      subtitle={subtitle}
      aside={aside}
      className="wizard-card"
      phase={phase}
    >
      <div className="wizard-card-body">{children}</div>
    </Card>
  );
}
