import { memo } from "react";
import type { PipelineSummary } from "../../bindings/PipelineSummary";
import { navigateToPipeline, pipelineHref } from "../../lib/router";
import { isRunning, statusLabel, triggerLabel } from "../../lib/status";
import { PipelineStatusPill } from "../StatusPill";
import { Ago, ExecutionDuration, RevisionText } from "./parts";

/** Every pipeline with its latest execution. Rows are memoized: a refresh re-renders only what changed. */
export function PipelineTable({ pipelines }: { pipelines: PipelineSummary[] }) {
  return (
    <div className="table-scroll">
      <table className="table pipeline-table" data-testid="pipelines-table">
        <thead>
          <tr>
            <th scope="col">Pipeline</th>
            <th scope="col">Status</th>
            <th scope="col">Source revision</th>
            <th scope="col">Trigger</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {pipelines.map((p) => (
            <PipelineRow key={p.name} pipeline={p} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const PipelineRow = memo(function PipelineRow({ pipeline }: { pipeline: PipelineSummary }) {
  const { name, latest } = pipeline;
  return (
    <tr className="clickable-row" onClick={() => navigateToPipeline(name)} data-testid={`pipeline-row-${name}`}>
      <td>
        <a className="pipeline-name" href={pipelineHref(name)} onClick={(e) => e.stopPropagation()} title={name}>
          {name}
        </a>
        {pipeline.pipelineType && <span className="pipeline-type muted small">{pipeline.pipelineType}</span>}
      </td>
      <td
        className="nowrap"
        title={
          latest?.pipelineStatus
            ? `CodePipeline says ${statusLabel(latest.pipelineStatus)}${latest.statusSummary ? `; ${latest.statusSummary}` : ""}`
            : undefined
        }
      >
        <PipelineStatusPill
          status={latest?.status}
          label={latest ? undefined : "Never run"}
          testId={`pipeline-status-${name}`}
        />
      </td>
      <td className="revision-cell">
        <RevisionText revision={latest?.revisions[0]} />
      </td>
      <td className="nowrap" title={latest?.triggerDetail ?? undefined}>
        {triggerLabel(latest?.trigger)}
      </td>
      <td className="nowrap">
        <Ago iso={latest?.startedAt} />
      </td>
      <td className="nowrap">
        {latest ? (
          <ExecutionDuration
            startedAt={latest.startedAt}
            durationSeconds={latest.durationSeconds}
            running={isRunning(latest.status)}
          />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
});
