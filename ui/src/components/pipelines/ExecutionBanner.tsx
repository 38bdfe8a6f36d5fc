import type { ExecutionSummary } from "../../bindings/ExecutionSummary";
import { shortId } from "../../lib/format";
import { isRunning, statusLabel, statusTone, triggerLabel } from "../../lib/status";
import { StopCircleIcon } from "../Icons";
import { StatusPill } from "../StatusPill";
import { Ago, ExecutionDuration, RevisionText, StatusGlyph } from "./parts";

type ExecutionBannerProps = {
  /** The execution on show (the latest, or the one just started here). */
  execution: ExecutionSummary | null;
  /** Started here and not reported by AWS yet: "Starting…" / "Retrying…". */
  pending: "release" | "retry" | null;
  onStop: () => void;
};

/** The current execution: status, what started it, which commit, how long; Stop while it runs. */
export function ExecutionBanner({ execution, pending, onStop }: ExecutionBannerProps) {
  if (!execution) {
    return (
      <div className="execution-banner execution-none" data-testid="execution-banner" data-status="none">
        <StatusGlyph status={null} size={20} />
        <div className="execution-main">
          <div className="execution-status">Not run yet</div>
          <div className="execution-meta">This pipeline has no executions. Release to prod starts the first one.</div>
        </div>
      </div>
    );
  }
  const status = pending ? "InProgress" : execution.status;
  const running = isRunning(status);
  const revision = execution.revisions[0];
  return (
    <div
      className={`execution-banner execution-${statusTone(status)}`}
      data-testid="execution-banner"
      data-status={status}
      data-execution-id={execution.id}
      role="status"
      aria-live="polite"
    >
      <StatusGlyph status={status} size={20} />
      <div className="execution-main">
        <div className="execution-status">
          <span data-testid="execution-status">{statusLabel(status)}</span>
          {pending && <span className="execution-starting">{pending === "retry" ? "Retrying…" : "Starting…"}</span>}
          {status === "Superseded" && <span className="execution-note">a newer execution took over</span>}
          {execution.pipelineStatus && !pending && (
            <span className="execution-note" data-testid="execution-pipeline-status">
              CodePipeline says {statusLabel(execution.pipelineStatus)}
            </span>
          )}
        </div>
        <div className="execution-meta">
          <span title={execution.id}>
            Execution <code>{shortId(execution.id)}</code>
          </span>
          <span title={execution.triggerDetail ?? undefined}>{triggerLabel(execution.trigger)}</span>
          {execution.startedAt && (
            <span>
              started <Ago iso={execution.startedAt} />
            </span>
          )}
          {(running || execution.durationSeconds !== null) && execution.startedAt && (
            <span>
              {running ? "running for " : "took "}
              <ExecutionDuration
                startedAt={execution.startedAt}
                durationSeconds={execution.durationSeconds}
                running={running}
              />
            </span>
          )}
          {execution.executionType === "ROLLBACK" && <StatusPill tone="warning">Rollback</StatusPill>}
        </div>
        {revision && (
          <div className="execution-revision">
            <RevisionText revision={revision} testId="execution-revision" />
          </div>
        )}
        {execution.statusSummary && !pending && (
          <p className="execution-summary" data-testid="execution-summary">
            {execution.statusSummary}
          </p>
        )}
      </div>
      {status === "InProgress" && (
        <button type="button" className="button button-ghost-danger" onClick={onStop} data-testid="stop-button">
          <StopCircleIcon size={14} />
          Stop
        </button>
      )}
      {status === "Stopping" && (
        <button type="button" className="button" disabled data-testid="stop-button">
          Stopping…
        </button>
      )}
    </div>
  );
}
