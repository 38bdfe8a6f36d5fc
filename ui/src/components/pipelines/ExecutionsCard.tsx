import { memo, useCallback, useState } from "react";
import type { ExecutionSummary } from "../../bindings/ExecutionSummary";
import type { Session } from "../../bindings/Session";
import { shortId } from "../../lib/format";
import { useActionExecutions, usePipelineExecutions } from "../../lib/pipelines";
import { isRunning, triggerLabel } from "../../lib/status";
import { useDelayedFlag } from "../../lib/useDelayedFlag";
import { ErrorNotice, QueryError } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { ChevronRightIcon } from "../Icons";
import { LoadingBlock, Spinner } from "../Spinner";
import { PipelineStatusPill, StatusPill } from "../StatusPill";
import { Ago, ErrorLine, ExecutionDuration, RevisionText, StatusGlyph } from "./parts";
import { Card } from "../Card";

/** The pipeline's recent executions; a row opens its action executions. */
export function ExecutionsCard({ session, pipeline }: { session: Session; pipeline: string }) {
  const executions = usePipelineExecutions(session, pipeline);
  const refreshing = useDelayedFlag(executions.isFetching && !executions.isPending, 600);
  const [open, setOpen] = useState<string | null>(null);
  const toggle = useCallback((id: string) => setOpen((current) => (current === id ? null : id)), []);

  let body;
  if (executions.isPending) body = <LoadingBlock label="Loading executions…" />;
  else if (executions.isError && !executions.data)
    body = (
      <div className="card-empty">
        <QueryError query={executions} testId="executions-error" />
      </div>
    );
  else if (executions.data.length === 0) body = <div className="card-empty">No executions yet.</div>;
  else
    body = (
      <div className="table-scroll">
        <table className="table executions-table" data-testid="executions-table">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Execution</th>
              <th scope="col">Trigger</th>
              <th scope="col">Source revision</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {executions.data.map((e) => (
              <ExecutionRows
                key={e.id}
                execution={e}
                open={open === e.id}
                onToggle={toggle}
                session={session}
                pipeline={pipeline}
              />
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <Card
      titleId="executions-title"
      title="Recent executions"
      subtitle="Newest first. Open one to see its actions and builds."
      aside={
        <>
          {refreshing && <Spinner size={13} label="Refreshing…" />}
        </>
      }
    >
      {executions.isError && executions.data && (
        <div className="card-notice">
          <ErrorNotice error={executions.error} testId="executions-error" />
        </div>
      )}
      {body}
    </Card>
  );
}

type ExecutionRowsProps = {
  execution: ExecutionSummary;
  open: boolean;
  onToggle: (id: string) => void;
  session: Session;
  pipeline: string;
};

const ExecutionRows = memo(function ExecutionRows({ execution: e, open, onToggle, session, pipeline }: ExecutionRowsProps) {
  return (
    <>
      <tr
        className={open ? "clickable-row has-detail is-open" : "clickable-row"}
        onClick={() => onToggle(e.id)}
        data-testid={`execution-row-${e.id}`}
        aria-expanded={open}
      >
        <td className="nowrap">
          <span className="execution-toggle">
            <ChevronRightIcon size={13} className="disclosure-chevron" />
            <PipelineStatusPill status={e.status} />
          </span>
        </td>
        <td className="nowrap" title={e.id}>
          <button
            type="button"
            className="link-button mono"
            onClick={(event) => {
              event.stopPropagation();
              onToggle(e.id);
            }}
            aria-label={`Execution ${e.id}: show actions`}
          >
            {shortId(e.id)}
          </button>
          {e.executionType === "ROLLBACK" && (
            <StatusPill tone="warning" className="execution-type">
              Rollback
            </StatusPill>
          )}
        </td>
        <td className="nowrap" title={e.triggerDetail ?? undefined}>
          {triggerLabel(e.trigger)}
        </td>
        <td className="revision-cell">
          <RevisionText revision={e.revisions[0]} />
        </td>
        <td className="nowrap">
          <Ago iso={e.startedAt} />
        </td>
        <td className="nowrap">
          <ExecutionDuration startedAt={e.startedAt} durationSeconds={e.durationSeconds} running={isRunning(e.status)} />
        </td>
      </tr>
      {open && (
        <tr className="detail-row">
          <td colSpan={6}>
            {e.statusSummary && <p className="execution-detail-summary">{e.statusSummary}</p>}
            <ActionExecutions session={session} pipeline={pipeline} executionId={e.id} />
          </td>
        </tr>
      )}
    </>
  );
});

function ActionExecutions({ session, pipeline, executionId }: { session: Session; pipeline: string; executionId: string }) {
  const actions = useActionExecutions(session, pipeline, executionId);
  if (actions.isPending) return <LoadingBlock label="Loading actions…" />;
  if (actions.isError)
    return (
      <QueryError query={actions} testId="action-executions-error" />
    );
  if (actions.data.length === 0) return <p className="muted small">No actions ran in this execution.</p>;
  return (
    <ol className="action-executions" data-testid={`execution-detail-${executionId}`}>
      {actions.data.map((a, i) => (
        <li
          key={`${a.stage}/${a.action}/${i}`}
          className="action-execution"
          data-testid={`action-execution-${a.stage}-${a.action}`}
          data-status={a.status}
        >
          <StatusGlyph status={a.status} />
          <div className="action-execution-body">
            <div className="action-execution-title">
              <span className="action-execution-name">
                {a.stage} / {a.action}
              </span>
              <span className="muted small">
                {a.startedAt && <Ago iso={a.startedAt} />}
              </span>
              {a.externalUrl && (
                <ExternalLink
                  url={a.externalUrl}
                  variant="link"
                  testId={`action-execution-link-${a.stage}-${a.action}`}
                >
                  {a.buildId ? "Build" : "Details"}
                </ExternalLink>
              )}
            </div>
            {a.buildId && (
              <div className="small">
                Build <code data-testid={`build-id-${a.stage}-${a.action}`}>{a.buildId}</code>
              </div>
            )}
            {a.summary && <p className="action-execution-summary">{a.summary}</p>}
            {a.error && <ErrorLine text={a.error} />}
          </div>
        </li>
      ))}
    </ol>
  );
}
