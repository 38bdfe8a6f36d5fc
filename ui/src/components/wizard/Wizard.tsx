import { useEffect } from "react";
import type { Session } from "../../bindings/Session";
import { issueMap, IssuesContext } from "../../lib/wizard/issues";
import { useLiveIssues, usePlanReference } from "../../lib/wizard/queries";
import { STEPS } from "../../lib/wizard/steps";
import { useWizard, useWizardStore } from "../../lib/wizard/store";
import { ErrorNotice } from "../ErrorNotice";
import { LoadingBlock } from "../Spinner";
import { BuildspecStep } from "./BuildspecStep";
import { BuildStep } from "./BuildStep";
import { CreateStep } from "./CreateStep";
import { DeployStep } from "./DeployStep";
import { EcrStep } from "./EcrStep";
import { PipelineStep } from "./PipelineStep";
import { PlanFileActions } from "./PlanFileActions";
import { ReviewStep } from "./ReviewStep";
import { SourceStep } from "./SourceStep";
import { Stepper } from "./Stepper";
import { UnfinishedRuns } from "./UnfinishedRuns";
import type { StepProps } from "./types";

function CurrentStep({ step, ...props }: StepProps & { step: number }) {
  switch (step) {
    case 1:
      return <SourceStep {...props} />;
    case 2:
      return <BuildStep {...props} />;
    case 3:
      return <EcrStep {...props} />;
    case 4:
      return <BuildspecStep {...props} />;
    case 5:
      return <DeployStep {...props} />;
    case 6:
      return <ReviewStep {...props} />;
    case 7:
      return <CreateStep {...props} />;
    default:
      return <PipelineStep {...props} />;
  }
}

type WizardProps = { session: Session; region: string; accountId: string | null };

/** The New pipeline wizard: a stepper over one shared plan, starting from the reference flow. */
export function Wizard({ session, region, accountId }: WizardProps) {
  const store = useWizardStore();
  const { plan, step, revision } = useWizard();
  const reference = usePlanReference(plan === null);
  const issues = useLiveIssues(plan);

  useEffect(() => {
    if (reference.data) store.init(reference.data);
  }, [reference.data, store]);

  if (!plan) {
    return (
      <div className="page">
        {reference.error ? (
          <ErrorNotice
            error={reference.error}
            variant="banner"
            testId="wizard-error"
            action={
              <button type="button" className="button" onClick={() => void reference.refetch()}>
                Try again
              </button>
            }
          />
        ) : (
          <LoadingBlock label="Loading the reference plan…" />
        )}
      </div>
    );
  }

  return (
    <IssuesContext.Provider value={issueMap(issues.data)}>
      <div className="page wizard" data-testid="wizard" data-step={step + 1}>
        <div className="page-header">
          <p className="page-intro">
            GitHub → CodeBuild → ECR → CodePipeline → ECS, the way the AWS console does it, with the defaults filled
            in. Nothing is created until you press Create pipeline.
          </p>
          <PlanFileActions testIdPrefix="wizard-plan" />
        </div>
        <UnfinishedRuns session={session} />
        <Stepper />
        <CurrentStep
          key={`${STEPS[step]?.key ?? step}-${revision}`}
          step={step}
          session={session}
          region={region}
          accountId={accountId}
          plan={plan}
        />
      </div>
    </IssuesContext.Provider>
  );
}
