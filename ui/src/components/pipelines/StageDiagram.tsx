import { Fragment, memo } from "react";
import type { ActionView } from "../../bindings/ActionView";
import type { StageView } from "../../bindings/StageView";
import { statusTone } from "../../lib/status";
import { ExternalLink } from "../ExternalLink";
import { ArrowRightIcon, ClockIcon, LockIcon, RetryIcon } from "../Icons";
import { PipelineStatusPill } from "../StatusPill";
import { Elapsed, ErrorLine, StatusGlyph } from "./parts";
import { RolloutPanel } from "./RolloutPanel";
import { DiagnosisPanel } from "../DiagnosisPanel";
import { historyHref } from "../../lib/router";

type StageDiagramProps = {
  stages: StageView[];
  /** The execution on show: stages last run by another one are drawn as "previous run". */
  executionId: string | null;
  onRetry: (stage: StageView) => void;
  /** Approve (true) or reject a waiting manual approval. */
  onDecide?: (stage: StageView, action: ActionView, approve: boolean) => void;
};

/** Stages left to right (top to bottom when narrow), joined by arrows or a disabled-transition lock. */
export function StageDiagram({ stages, executionId, onRetry, onDecide }: StageDiagramProps) {
  return (
    <div className="stage-diagram-scroll">
      <ol
        className="stage-diagram"
        aria-label="Stages"
        data-testid="stage-diagram"
        data-count={Math.min(stages.length, 6)}
      >
        {stages.map((stage, i) => (
          <Fragment key={stage.name}>
            {i > 0 && <Transition stage={stage} />}
            <StageCard
              stage={stage}
              previous={executionId !== null && stage.executionId !== null && stage.executionId !== executionId}
              onRetry={onRetry}
              onDecide={onDecide}
            />
          </Fragment>
        ))}
      </ol>
    </div>
  );
}

function Transition({ stage }: { stage: StageView }) {
  if (stage.transitionEnabled) {
    return (
      <li className="stage-link" aria-hidden="true">
        <ArrowRightIcon size={18} className="stage-arrow" />
      </li>
    );
  }
  const reason = stage.transitionDisabledReason;
  return (
    <li className="stage-link stage-link-disabled" data-testid={`transition-${stage.name}`}>
      <span className="stage-lock" title={reason ?? undefined}>
        <LockIcon size={14} />
        <span>Transition disabled{reason ? `: ${reason}` : ""}</span>
      </span>
    </li>
  );
}

type StageCardProps = {
  stage: StageView;
  previous: boolean;
  onRetry: (stage: StageView) => void;
  onDecide?: (stage: StageView, action: ActionView, approve: boolean) => void;
};

const StageCard = memo(function StageCard({ stage, previous, onRetry, onDecide }: StageCardProps) {
  const tone = statusTone(stage.status);
  return (
    <li
      className={`stage stage-${tone}${previous ? " stage-previous" : ""}`}
      data-testid={`stage-${stage.name}`}
      data-status={stage.status ?? "none"}
      data-execution-id={stage.executionId ?? ""}
    >
      <div className="stage-header">
        <h3 className="stage-name" title={stage.name}>
          {stage.name}
        </h3>
        <PipelineStatusPill status={stage.status} />
      </div>
      {previous && <p className="stage-note">Last run by an earlier execution</p>}
      <ul className="stage-actions">
        {stage.actions.map((action) => (
          <ActionRow
            key={action.name}
            stage={stage.name}
            action={action}
            onDecide={onDecide ? (approve) => onDecide(stage, action, approve) : undefined}
          />
        ))}
      </ul>
      {stage.status === "Failed" && (
        <div className="stage-footer">
          <button
            type="button"
            className="button button-small"
            onClick={() => onRetry(stage)}
            data-testid={`retry-${stage.name}`}
          >
            <RetryIcon size={13} />
            Retry
          </button>
        </div>
      )}
    </li>
  );
});

/** Where an action's link goes: the build for CodeBuild, the service for ECS, else what AWS gives. */
function actionLink(action: ActionView): { url: string; label: string } | null {
  if (action.provider === "ECS" && action.entityUrl) return { url: action.entityUrl, label: "Service" };
  if (action.externalUrl) {
    if (action.provider === "CodeBuild") return { url: action.externalUrl, label: "Build" };
    if (action.category === "Source") return { url: action.externalUrl, label: "Commit" };
    return { url: action.externalUrl, label: "Details" };
  }
  if (action.entityUrl) return { url: action.entityUrl, label: "Open" };
  return null;
}

function ActionRow({
  stage,
  action,
  onDecide,
}: {
  stage: string;
  action: ActionView;
  onDecide?: (approve: boolean) => void;
}) {
  const link = actionLink(action);
  return (
    <li
      className="stage-action"
      data-testid={`action-${stage}-${action.name}`}
      data-status={action.status ?? "none"}
    >
      <StatusGlyph status={action.status} />
      <div className="stage-action-body">
        <div className="stage-action-title">
          <span className="stage-action-name" title={action.name}>
            {action.name}
          </span>
          {link && (
            <ExternalLink url={link.url} variant="link" testId={`action-link-${stage}-${action.name}`}>
              {link.label}
            </ExternalLink>
          )}
        </div>
        <div className="stage-action-meta">
          <span>{action.provider}</span>
          {action.lastChange && (
            <span className="stage-action-time">
              for <Elapsed iso={action.lastChange} />
            </span>
          )}
        </div>
        {action.awaitingApproval && (
          <span className="approval-wait" data-testid={`approval-${stage}-${action.name}`}>
            <ClockIcon size={13} />
            Waiting for approval
          </span>
        )}
        {action.approval && action.awaitingApproval && (
          <div className="approval-box" data-testid={`approval-box-${stage}-${action.name}`}>
            {action.approval.comments && <p className="approval-comments">{action.approval.comments}</p>}
            {action.approval.reviewUrl && (
              // Any https URL the pipeline's author chose: shown to copy, not opened by the app
              // (the app opens only AWS console and GitHub pages).
              <p className="approval-review" data-testid={`approval-review-${stage}-${action.name}`}>
                Review: <span className="mono">{action.approval.reviewUrl}</span>
              </p>
            )}
            <p className="approval-who" title={action.approval.resourceArn}>
              {action.approval.approvers}
            </p>
            {onDecide && (
              <div className="approval-buttons">
                <button
                  type="button"
                  className="button button-small button-primary"
                  onClick={() => onDecide(true)}
                  data-testid={`approve-${stage}-${action.name}`}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onDecide(false)}
                  data-testid={`reject-${stage}-${action.name}`}
                >
                  Reject
                </button>
              </div>
            )}
          </div>
        )}
        {action.provider === "CodeBuild" && action.externalExecutionId && (
          <code className="stage-action-id" title={action.externalExecutionId}>
            {action.externalExecutionId}
          </code>
        )}
        {action.summary && action.category !== "Source" && <p className="stage-action-summary">{action.summary}</p>}
        {action.error && <ErrorLine text={action.error} testId={`action-error-${stage}-${action.name}`} />}
        {action.rollout && <RolloutPanel rollout={action.rollout} testId={`rollout-${stage}-${action.name}`} />}
        {action.diagnosis && (
          <DiagnosisPanel diagnosis={action.diagnosis} testId={`diagnosis-${stage}-${action.name}`} compact />
        )}
        {action.provider === "CodeBuild" && action.status === "Failed" && action.externalExecutionId?.includes(":") && (
          <a
            className="stage-action-why"
            href={historyHref({ project: action.externalExecutionId.split(":")[0]!, buildId: action.externalExecutionId })}
            data-testid={`why-${stage}-${action.name}`}
          >
            Why it failed
          </a>
        )}
      </div>
    </li>
  );
}
