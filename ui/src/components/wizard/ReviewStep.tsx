import { usePlanReview } from "../../lib/wizard/queries";
import { useWizardStore } from "../../lib/wizard/store";
import { ErrorNotice } from "../ErrorNotice";
import { BoltIcon } from "../Icons";
import { LoadingBlock } from "../Spinner";
import { PlanFileActions } from "./PlanFileActions";
import { CostTable, Findings, ReviewStepCard } from "./ReviewParts";
import { StepCard } from "./StepCard";
import type { StepProps } from "./types";
import { WizardFooter } from "./WizardFooter";

/** Everything Create will do, checked against the account (plan_review), before anything is created. */
export function ReviewStep({ plan, session }: StepProps) {
  const store = useWizardStore();
  const review = usePlanReview(session, plan);
  const data = review.data;
  const errors = data?.findings.filter((f) => f.severity === "error").length ?? 0;
  const canCreate = data !== undefined && errors === 0 && !review.isFetching;
  const titles = new Map((data?.steps ?? []).map((s) => [s.id, s.title]));

  function create() {
    if (!data) return;
    void store.apply(
      session,
      plan,
      data.steps.map((s) => ({ id: s.id, title: s.title })),
    );
  }

  const fixStep = review.error?.code === "validation" ? store.formStepOf(review.error.field) : null;

  return (
    <div className="wizard-form">
      <StepCard
        subtitle="Nothing has been created yet. This is exactly what Create will do."
        aside={
          data ? (
            <dl className="review-target" data-testid="review-target">
              <div>
                <dt>Account</dt>
                <dd className="mono">{data.account}</dd>
              </div>
              <div>
                <dt>Region</dt>
                <dd className="mono">{data.region}</dd>
              </div>
            </dl>
          ) : null
        }
      >
        {review.isPending && <LoadingBlock label="Checking the plan against your account…" />}
        {review.error && (
          <ErrorNotice
            error={review.error}
            testId="review-error"
            action={
              fixStep !== null ? (
                <button type="button" className="button" onClick={() => store.goTo(fixStep)} data-testid="review-fix">
                  {`Go to ${store.steps[fixStep]?.title ?? "the field"}`}
                </button>
              ) : (
                <button type="button" className="button" onClick={() => void review.refetch()}>
                  Try again
                </button>
              )
            }
          />
        )}
        {data && (
          <>
            <Findings findings={data.findings} onEdit={(step) => store.goTo(step)} />
            <div>
              <h3 className="wizard-section-title">Resources</h3>
              <ol className="review-steps">
                {data.steps.map((step) => (
                  <ReviewStepCard key={step.id} step={step} titles={titles} />
                ))}
              </ol>
            </div>
            <div>
              <h3 className="wizard-section-title">Cost estimate</h3>
              <CostTable cost={data.cost} />
            </div>
            <details className="review-document">
              <summary>buildspec.yml</summary>
              <pre className="code-view">
                <code>{data.buildspec}</code>
              </pre>
            </details>
            <details className="review-document">
              <summary>ECR push policy</summary>
              <pre className="code-view">
                <code>{data.ecrPolicy}</code>
              </pre>
            </details>
          </>
        )}
      </StepCard>
      <WizardFooter next={false}>
        <PlanFileActions testIdPrefix="review-plan" />
        <button
          type="button"
          className="button button-primary"
          onClick={create}
          disabled={!canCreate}
          title={errors > 0 ? "Fix the errors above first." : undefined}
          data-testid="review-create"
        >
          <BoltIcon size={14} />
          Create pipeline
        </button>
      </WizardFooter>
    </div>
  );
}
