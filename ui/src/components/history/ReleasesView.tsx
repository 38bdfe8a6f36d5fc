import { memo, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { ReleaseRecord } from "../../bindings/ReleaseRecord";
import type { Session } from "../../bindings/Session";
import { useNow } from "../../lib/clock";
import { formatDuration, shortId, shortSha } from "../../lib/format";
import { count, durationOrDash, frequency, percent } from "../../lib/history/format";
import { useDora, useHistoryPipelines, useReleases } from "../../lib/history/queries";
import { projectOfBuild, toMs, toMsOrNull, type WindowDays } from "../../lib/history/records";
import { historyHref, navigateHistory } from "../../lib/router";
import { statusLabel, statusTone, triggerLabel } from "../../lib/status";
import { EmptyState } from "../EmptyState";
import { ErrorNotice, QueryError } from "../ErrorNotice";
import { ArrowLeftIcon, ArrowRightIcon, RetryIcon, RocketIcon } from "../Icons";
import { LoadingBlock, Spinner } from "../Spinner";
import { PipelineStatusPill } from "../StatusPill";
import { RollbackDialog } from "../pipelines/RollbackDialog";
import { useToast } from "../../lib/toast";
import { Figure, NameSelect, PickList, StartedAt, WindowToggle } from "./parts";
import { Card } from "../Card";

/** `#/history/releases[/<pipeline>]`: pick a pipeline, then its executions and DORA figures. */
export function ReleasesView({ session, region, pipeline }: { session: Session; region: string; pipeline: string | null }) {
  const pipelines = useHistoryPipelines(session, true);
  if (pipeline) return <PipelineReleases key={pipeline} session={session} pipeline={pipeline} pipelines={pipelines.data ?? []} />;

  if (pipelines.isPending) {
    return (
      <div className="card">
        <LoadingBlock label="Loading pipelines…" />
      </div>
    );
  }
  if (pipelines.error) {
    return (
      <QueryError query={pipelines} variant="banner" testId="history-error" />
    );
  }
  if (pipelines.data.length === 0) {
    return (
      <div className="card">
        <EmptyState icon={<RocketIcon size={28} />} title={`No pipelines in ${region}`} testId="history-no-pipelines">
          <p>Releases are the executions of a CodePipeline pipeline. Create one with New pipeline.</p>
        </EmptyState>
      </div>
    );
  }
  return (
    <Card
      titleId="history-pipelines-title"
      title={
        <>
          Pipelines in <span className="mono">{region}</span>
        </>
      }
      subtitle="Pick one to see its releases and delivery figures."
    >
      <PickList
        names={pipelines.data}
        href={(name) => historyHref({ releases: true, pipeline: name })}
        itemTestId={(name) => `history-pipeline-${name}`}
      />
    </Card>
  );
}

function PipelineReleases({ session, pipeline, pipelines }: { session: Session; pipeline: string; pipelines: string[] }) {
  const releases = useReleases(session, pipeline);
  const [days, setDays] = useState<WindowDays>(30);
  const dora = useDora(session, pipeline, days, releases.dataUpdatedAt);
  const rows = useMemo(
    () => [...(releases.data ?? [])].sort((a, b) => toMs(b.startMs) - toMs(a.startMs)),
    [releases.data],
  );
  const options = pipelines.includes(pipeline) ? pipelines : [pipeline, ...pipelines];
  const [rollbackTo, setRollbackTo] = useState<string | null>(null);
  const client = useQueryClient();
  const toast = useToast();

  return (
    <>
      <div className="history-toolbar">
        <a className="history-back" href={historyHref({ releases: true })}>
          <ArrowLeftIcon size={14} />
          All pipelines
        </a>
        <NameSelect
          label="Pipeline"
          value={pipeline}
          names={options}
          onChange={(name) => navigateHistory({ releases: true, pipeline: name })}
          testId="history-pipeline-select"
        />
        <span className="spacer" />
        {releases.isFetching && <Spinner size={13} label="Syncing executions…" />}
        <button
          type="button"
          className="button"
          onClick={() => void releases.refetch()}
          disabled={releases.isFetching}
          data-testid="releases-refresh"
        >
          <RetryIcon size={14} />
          Refresh
        </button>
      </div>

      {releases.error && <ErrorNotice error={releases.error} variant="banner" testId="history-error" />}

      <Card
        titleId="dora-title"
        title={
          <>
            Delivery, last {days} days
          </>
        }
        subtitle="DORA figures from this pipeline’s executions stored on this computer."
        aside={
          <>
            {dora.isFetching && <Spinner size={13} />}
            <WindowToggle value={days} onChange={setDays} testIdPrefix="dora-window" label="Time window" />
          </>
        }
        testId="dora-figures"
      >
        {dora.error && (
          <div className="history-card-body">
            <ErrorNotice error={dora.error} testId="dora-error" />
          </div>
        )}
        <div className={dora.data && dora.data.windowDays !== days ? "history-figures history-stale" : "history-figures"}>
          {[
            {
              label: "Deployment frequency",
              value: dora.data ? frequency(dora.data.deploymentsPerDay) : "—",
              detail: `${dora.data ? count(dora.data.deployments) : "—"} successful deploys in ${days} days.`,
              testId: "dora-frequency",
            },
            {
              label: "Lead time (median)",
              value: durationOrDash(dora.data?.leadTimeMedianSeconds),
              detail: "From the commit’s first build (or its execution’s start) to the end of its successful deploy.",
              testId: "dora-lead-time",
            },
            {
              label: "Change failure rate",
              value: percent(dora.data?.changeFailureRate),
              detail: "Failed deploys ÷ deploys that ran to an end (a red build never reached prod; stopped runs don’t count).",
              testId: "dora-failure-rate",
            },
            {
              label: "Time to restore (median)",
              value: durationOrDash(dora.data?.timeToRestoreMedianSeconds),
              detail: "From a failed deploy to the end of the next successful one.",
              testId: "dora-restore",
            },
          ].map((f) => (
            <Figure key={f.testId} label={f.label} value={f.value} detail={f.detail} valueTestId={f.testId} />
          ))}
        </div>
      </Card>

      <Card
        titleId="releases-title"
        title="Releases"
        subtitle="Each execution, newest first: commit → build → deploy."
      >
        {releases.isPending ? (
          <LoadingBlock label="Syncing executions from AWS…" />
        ) : rows.length === 0 ? (
          <div className="card-empty" data-testid="releases-empty">
            {releases.error ? "No stored executions." : "This pipeline has not run yet."}
          </div>
        ) : (
          <ol className="history-releases" data-testid="releases-timeline">
            {rows.map((r) => (
              <ReleaseRow key={r.executionId} release={r} onRollback={setRollbackTo} />
            ))}
          </ol>
        )}
      </Card>
      {rollbackTo && (
        <RollbackDialog
          session={session}
          pipeline={pipeline}
          to={rollbackTo}
          onCancel={() => setRollbackTo(null)}
          onDone={(result, plan) => {
            setRollbackTo(null);
            void client.invalidateQueries({ queryKey: ["history"] });
            void releases.refetch();
            toast.info(
              "Rolling back",
              result.executionId
                ? `${plan.stage} runs again with execution ${plan.toExecutionId.slice(0, 8)}.`
                : `${plan.target.service} rolls out ${result.taskDefinition?.split("/").pop() ?? "the earlier task definition"}.`,
            );
          }}
        />
      )}
    </>
  );
}

const ReleaseRow = memo(function ReleaseRow({
  release,
  onRollback,
}: {
  release: ReleaseRecord;
  onRollback: (executionId: string) => void;
}) {
  const buildProject = release.buildId ? projectOfBuild(release.buildId) : null;
  return (
    <li className={`history-release history-release-${statusTone(release.status)}`} data-testid={`release-row-${release.executionId}`}>
      <div className="history-release-main">
        <PipelineStatusPill status={release.status} testId="release-status" />
        <span className="history-release-commit" title={release.commitSummary ?? release.commit ?? undefined}>
          {release.commit ? <code className="history-commit">{shortSha(release.commit)}</code> : <span className="muted">—</span>}
          {release.commitSummary && <span className="history-release-summary">{release.commitSummary}</span>}
        </span>
      </div>
      <div className="history-release-flow">
        <span className="history-release-step">
          <span className="history-release-step-label">Build</span>
          {release.buildId && buildProject ? (
            <a href={historyHref({ project: buildProject, buildId: release.buildId })} title={release.buildId} data-testid="release-build">
              <PipelineStatusPill status={release.buildStatus} />
            </a>
          ) : (
            <PipelineStatusPill status={release.buildStatus} />
          )}
        </span>
        <ArrowRightIcon size={13} className="history-release-arrow" />
        <span className="history-release-step">
          <span className="history-release-step-label">Deploy</span>
          <PipelineStatusPill status={release.deployStatus} testId="release-deploy" />
          <DeployDuration release={release} />
        </span>
      </div>
      <div className="history-release-when">
        <StartedAt ms={release.startMs} />
        <span className="muted">
          <ReleaseDuration release={release} /> · {triggerLabel(release.trigger)} ·{" "}
          <span className="mono" title={release.executionId}>
            {shortId(release.executionId)}
          </span>
        </span>
        {release.status === "Succeeded" && release.deployStatus !== null && (
          <button
            type="button"
            className="button button-small history-release-rollback"
            onClick={() => onRollback(release.executionId)}
            data-testid="release-rollback"
          >
            Roll back to this release
          </button>
        )}
      </div>
      {release.rollout && release.rollout.state === "FAILED" && (
        <p className="history-release-rollout" data-testid="release-rollout">
          {release.rollout.summary}
          {release.rollout.stoppedTasks[0]?.stoppedReason ? ` — ${release.rollout.stoppedTasks[0].stoppedReason}` : ""}
          {release.pipelineStatus ? ` (CodePipeline said ${statusLabel(release.pipelineStatus)})` : ""}
        </p>
      )}
    </li>
  );
});

function ReleaseDuration({ release }: { release: ReleaseRecord }) {
  const end = toMsOrNull(release.endMs);
  const running = statusTone(release.status) === "running";
  const now = useNow(running ? 1000 : 60_000);
  const to = end ?? (running ? now : null);
  return <>{to === null ? "—" : formatDuration((to - toMs(release.startMs)) / 1000)}</>;
}

/** How long the deploy action took (ran for, while it runs), when its times are known. */
function DeployDuration({ release }: { release: ReleaseRecord }) {
  const start = toMsOrNull(release.deployStartMs);
  const end = toMsOrNull(release.deployEndMs);
  const now = useNow(end === null && start !== null ? 1000 : 60_000);
  if (start === null) return null;
  return (
    <span className="muted history-release-step-time" data-testid="release-deploy-time">
      {formatDuration(((end ?? now) - start) / 1000)}
    </span>
  );
}
