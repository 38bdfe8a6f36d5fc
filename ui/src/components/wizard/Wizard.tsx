import { useEffect } from "react";
import type { Session } from "../../bindings/Session";
import { issueMap, IssuesContext } from "../../lib/wizard/issues";
import { useLiveIssues, usePlanReference } from "../../lib/wizard/queries";
import { useWizard, useWizardStore } from "../../lib/wizard/store";
import { QueryError } from "../ErrorNotice";
import { LoadingBlock } from "../Spinner";
import { PlanFileActions } from "./PlanFileActions";
import { Stepper } from "./Stepper";
import { STEPS } from "./steps";
import { UnfinishedRuns } from "./UnfinishedRuns";

type WizardProps = { session: Session; region: string; accountId: string | null };

/** The New pipeline wizard: a stepper over one shared plan, starting from the reference flow. */
export function Wizard({ session, region, accountId }: WizardProps) {
  const store = useWizardStore();
  const { plan, step, revision } = useWizard();
  const reference = usePlanReference(plan === null);
  const issues = useLiveIssues(plan);
  const current = STEPS[step] ?? STEPS[0];

  useEffect(() => {
    if (reference.data) store.init(reference.data);
  }, [reference.data, store]);

  if (!plan) {
    return (
      <div className="page">
        {reference.error ? (
          <QueryError query={reference} variant="banner" testId="wizard-error" />
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
        <current.Component
          key={`${current.key}-${revision}`}
          session={session}
          region={region}
          accountId={accountId}
          plan={plan}
        />
      </div>
    </IssuesContext.Provider>
  );
}
