import type { RollbackPlan } from "../../bindings/RollbackPlan";
import type { RollbackResult } from "../../bindings/RollbackResult";
import type { Session } from "../../bindings/Session";
import { shortId, shortSha } from "../../lib/format";
import { useRollback, useRollbackPlan } from "../../lib/pipelines";
import { ErrorNotice } from "../ErrorNotice";
import { RetryIcon } from "../Icons";
import { DialogFooter, DialogForm, Modal } from "../Modal";
import { LoadingBlock } from "../Spinner";

type RollbackDialogProps = {
  session: Session;
  pipeline: string;
  /** The release to go back to; null: the last one whose deployment completed (Rust picks it). */
  to: string | null;
  onDone: (result: RollbackResult, plan: RollbackPlan) => void;
  onCancel: () => void;
};

/**
 * "Roll back to this release": Rust works out what runs now and what it goes back to (and how:
 * RollbackStage on a V2 pipeline, UpdateService on V1); the user confirms that, and only that.
 */
export function RollbackDialog({ session, pipeline, to, onDone, onCancel }: RollbackDialogProps) {
  const plan = useRollbackPlan(session, pipeline, to);
  const run = useRollback(session, pipeline);
  const busy = run.isPending;
  const p = plan.data;
  return (
    <Modal title={`Roll back ${pipeline}?`} onClose={onCancel} busy={busy} testId="rollback-dialog">
      <DialogForm
        onSubmit={() => {
          if (!p || busy) return;
          run.mutate(p, { onSuccess: (result) => onDone(result, p) });
        }}
        footer={
          <DialogFooter
            onCancel={onCancel}
            cancelTestId="rollback-cancel"
            confirmLabel={busy ? "Rolling back…" : "Roll back"}
            confirmTestId="rollback-confirm"
            confirmIcon={<RetryIcon size={14} />}
            danger
            busy={busy}
            confirmDisabled={!p}
          />
        }
      >
        {plan.isPending ? (
          <LoadingBlock label="Finding what runs now…" />
        ) : plan.error ? (
          <ErrorNotice error={plan.error} testId="rollback-plan-error" />
        ) : p ? (
          <>
            <dl className="rollback-compare" data-testid="rollback-plan">
              <div className="rollback-side">
                <dt>Runs now</dt>
                <dd data-testid="rollback-now">
                  <Side execution={p.currentExecutionId} commit={p.currentCommit} summary={null} taskDefinition={p.currentTaskDefinition} />
                </dd>
              </div>
              <div className="rollback-side rollback-side-target">
                <dt>Goes back to</dt>
                <dd data-testid="rollback-to">
                  <Side execution={p.toExecutionId} commit={p.toCommit} summary={p.toCommitSummary} taskDefinition={p.toTaskDefinition} />
                </dd>
              </div>
            </dl>
            <p className="confirm-body" data-testid="rollback-method">
              <strong>{p.method === "RollbackStage" ? `RollbackStage on ${p.stage}` : `UpdateService ${p.target.service}`}</strong>
              {": "}
              {p.methodReason}.
            </p>
            {p.warnings.map((w) => (
              <p key={w} className="confirm-body rollback-warning">
                {w}
              </p>
            ))}
          </>
        ) : null}
        {run.error && <ErrorNotice error={run.error} testId="rollback-error" />}
      </DialogForm>
    </Modal>
  );
}

function Side(props: { execution: string | null; commit: string | null; summary: string | null; taskDefinition: string | null }) {
  const td = props.taskDefinition?.split("/").pop() ?? null;
  return (
    <>
      <span className="rollback-line">
        Execution <code title={props.execution ?? undefined}>{props.execution ? shortId(props.execution) : "—"}</code>
        {props.commit && (
          <>
            {" · commit "}
            <code title={props.commit}>{shortSha(props.commit)}</code>
          </>
        )}
      </span>
      {props.summary && <span className="rollback-line rollback-summary">{props.summary}</span>}
      <span className="rollback-line muted" title={props.taskDefinition ?? undefined}>
        Task definition {td ?? "—"}
      </span>
    </>
  );
}
