import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ExecutionSummary } from "../bindings/ExecutionSummary";
import type { Session } from "../bindings/Session";
import type { ActionView } from "../bindings/ActionView";
import type { StageView } from "../bindings/StageView";
import { ExternalLink } from "../components/ExternalLink";
import { ArrowLeftIcon, RetryIcon, RocketIcon } from "../components/Icons";
import { ExecutionBanner } from "../components/pipelines/ExecutionBanner";
import { ExecutionsCard } from "../components/pipelines/ExecutionsCard";
import { PollError } from "../components/pipelines/parts";
import { ReleaseDialog } from "../components/pipelines/ReleaseDialog";
import { StageDiagram } from "../components/pipelines/StageDiagram";
import { ApprovalDialog } from "../components/pipelines/ApprovalDialog";
import { RollbackDialog } from "../components/pipelines/RollbackDialog";
import { ServiceChangeBanner } from "../components/pipelines/ServiceChangeBanner";
import { RetryDialog, StopDialog } from "../components/pipelines/StopRetryDialogs";
import { LoadingBlock } from "../components/Spinner";
import { pipelineKeys, useDecideApproval, usePipelineView, useRetryStage, useStopExecution } from "../lib/pipelines";
import { isReported, useWatch, useWatchActions } from "../lib/release/watch";
import { routeHref, useWantsApproval, withoutQuery } from "../lib/router";
import { isRunning } from "../lib/status";
import { useToast } from "../lib/toast";

/** `#/pipelines/<name>`: the live stage diagram, Release to prod, stop/retry, recent executions. */
export function PipelinePage({ session, name }: { session: Session; name: string }) {
  const client = useQueryClient();
  const toast = useToast();
  const watch = useWatch(session, name);
  const { watch: startWatching } = useWatchActions();
  const view = usePipelineView(session, name, watch);
  // keepPreviousData can hold another pipeline's view for a moment: never draw it under this name.
  const data = view.data?.name === name ? view.data : undefined;

  const [releasing, setReleasing] = useState(false);
  const [stopping, setStopping] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<StageView | null>(null);
  const [rollingBack, setRollingBack] = useState(false);
  const [deciding, setDeciding] = useState<{ stage: StageView; action: ActionView; approve: boolean } | null>(null);
  const decide = useDecideApproval(session, name);
  const resetDecide = decide.reset;
  const onDecide = useCallback(
    (stage: StageView, action: ActionView, approve: boolean) => {
      resetDecide();
      setDeciding({ stage, action, approve });
    },
    [resetDecide],
  );
  // Opened from the notification of a waiting approval: bring it into view, its Approve focused.
  const wantsApproval = useWantsApproval();
  useEffect(() => {
    if (!wantsApproval || !data) return;
    const waiting = data.stages.flatMap((s) =>
      s.actions.filter((a) => a.awaitingApproval).map((a) => `approve-${s.name}-${a.name}`),
    )[0];
    const button = waiting ? document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(waiting)}"]`) : null;
    if (button) {
      button.scrollIntoView({ block: "center" });
      button.focus();
    }
    window.location.replace(withoutQuery(window.location.hash));
  }, [wantsApproval, data]);
  const stop = useStopExecution(session, name);
  const retry = useRetryStage(session, name);

  // A release or retry started here shows at once, before AWS lists it ("Starting…").
  const pending = watch && watch.kind !== "watch" && data && !isReported(data, watch) ? watch : null;
  const current: ExecutionSummary | null = useMemo(() => {
    if (!pending) return data?.latest ?? null;
    if (pending.kind === "retry" && data?.latest?.id === pending.executionId) return data.latest;
    return {
      id: pending.executionId,
      status: "InProgress",
      statusSummary: null,
      trigger: "StartPipelineExecution",
      triggerDetail: null,
      revisions: [],
      startedAt: new Date(pending.since).toISOString(),
      updatedAt: null,
      durationSeconds: null,
      executionType: null,
      pipelineStatus: null,
    };
  }, [pending, data?.latest]);

  // Watch a running execution seen here, so its end notifies even if the user moves on.
  const latestId = data?.latest?.id;
  const latestRunning = isRunning(data?.latest?.status);
  useEffect(() => {
    if (latestId && latestRunning) startWatching({ session, pipeline: name, executionId: latestId, kind: "watch" });
  }, [latestId, latestRunning, session, name, startWatching]);

  // Each change the view reports (an execution started, a stage moved) refreshes the executions table.
  const signature = useMemo(
    () =>
      data
        ? JSON.stringify([data.latest?.id, data.latest?.status, data.stages.map((s) => [s.executionId, s.status])])
        : "",
    [data],
  );
  useEffect(() => {
    if (signature === "") return;
    void client.invalidateQueries({ queryKey: pipelineKeys.executions(session, name) });
    void client.invalidateQueries({ queryKey: [...pipelineKeys.pipeline(session, name), "actions"] });
  }, [signature, client, session, name]);

  const onStarted = useCallback(
    (executionId: string) => {
      setReleasing(false);
      startWatching({ session, pipeline: name, executionId, kind: "release" });
    },
    [session, name, startWatching],
  );

  const resetRetry = retry.reset;
  const onRetry = useCallback(
    (stage: StageView) => {
      resetRetry();
      setRetrying(stage);
    },
    [resetRetry],
  );

  function confirmStop(abandon: boolean, reason: string | null) {
    if (!stopping) return;
    stop.mutate(
      { executionId: stopping, abandon, reason },
      {
        onSuccess: () => {
          setStopping(null);
          toast.info(abandon ? "Stopping and abandoning" : "Stopping", "Running actions " + (abandon ? "are abandoned." : "finish first."));
        },
      },
    );
  }

  function confirmRetry(allActions: boolean) {
    if (!retrying) return;
    const stage = retrying;
    const before = data?.latest?.id === stage.executionId ? (data?.latest?.updatedAt ?? null) : null;
    retry.mutate(
      { stage: stage.name, executionId: stage.executionId, allActions },
      {
        onSuccess: (executionId) => {
          setRetrying(null);
          startWatching({ session, pipeline: name, executionId, kind: "retry", before });
        },
      },
    );
  }

  const source = data?.repository ? `${data.repository}${data.branch ? `@${data.branch}` : ""}` : null;

  return (
    <div className="page pipeline-page">
      <a className="back-link" href={routeHref("pipelines")} data-testid="pipelines-back">
        <ArrowLeftIcon size={14} />
        All pipelines
      </a>

      <div className="pipeline-header">
        <div className="pipeline-title-block">
          <h2 className="pipeline-title" data-testid="pipeline-name">
            {name}
          </h2>
          <div className="pipeline-subtitle">
            {source ? (
              <span className="mono" data-testid="pipeline-source">
                {source}
              </span>
            ) : data ? (
              <span className="muted">No GitHub source</span>
            ) : null}
            {data?.pipelineType && <span className="tag">{data.pipelineType}</span>}
            {data?.executionMode && <span className="tag">{data.executionMode.toLowerCase()}</span>}
          </div>
        </div>
        <div className="pipeline-header-actions">
          {data && <ExternalLink url={data.consoleUrl} testId="pipeline-console" />}
          <button
            type="button"
            className="button"
            onClick={() => setRollingBack(true)}
            disabled={!data || !data.latest}
            data-testid="rollback-button"
          >
            <RetryIcon size={14} />
            Roll back
          </button>
          <button
            type="button"
            className="button button-primary button-release"
            onClick={() => setReleasing(true)}
            disabled={!data}
            data-testid="release-button"
          >
            <RocketIcon size={15} />
            Release to prod
          </button>
        </div>
      </div>

      {view.isError && (
        <PollError error={view.error} onRetry={() => void view.refetch()} retrying={view.isFetching} />
      )}

      {data ? (
        <>
          <ExecutionBanner
            execution={current}
            pending={pending ? (pending.kind === "retry" ? "retry" : "release") : null}
            onStop={() => {
              stop.reset();
              if (current) setStopping(current.id);
            }}
          />
          <ServiceChangeBanner session={session} pipeline={name} />
          <section className="card stage-card" aria-labelledby="stages-title">
            <div className="card-header">
              <h2 className="card-title" id="stages-title">
                Stages
              </h2>
            </div>
            <StageDiagram stages={data.stages} executionId={current?.id ?? null} onRetry={onRetry} onDecide={onDecide} />
          </section>
          <ExecutionsCard session={session} pipeline={name} />
        </>
      ) : view.isPending ? (
        <div className="card">
          <LoadingBlock label="Loading the pipeline…" />
        </div>
      ) : null}

      {releasing && data && (
        <ReleaseDialog session={session} view={data} onStarted={onStarted} onClose={() => setReleasing(false)} />
      )}
      {deciding && (
        <ApprovalDialog
          stage={deciding.stage.name}
          action={deciding.action}
          approve={deciding.approve}
          busy={decide.isPending}
          error={decide.error}
          onCancel={() => setDeciding(null)}
          onConfirm={(comment) =>
            decide.mutate(
              { approve: deciding.approve, comment },
              {
                onSuccess: (done) => {
                  setDeciding(null);
                  toast.info(done.approved ? "Approved" : "Rejected", `${done.stage} of ${name}.`);
                },
              },
            )
          }
        />
      )}
      {rollingBack && (
        <RollbackDialog
          session={session}
          pipeline={name}
          to={null}
          onCancel={() => setRollingBack(false)}
          onDone={(result, plan) => {
            setRollingBack(false);
            void client.invalidateQueries({ queryKey: pipelineKeys.serviceChanges(session, name) });
            if (result.executionId) startWatching({ session, pipeline: name, executionId: result.executionId, kind: "release" });
            toast.info(
              "Rolling back",
              result.executionId
                ? `${plan.stage} runs again with execution ${plan.toExecutionId.slice(0, 8)}.`
                : `${plan.target.service} rolls out ${result.taskDefinition?.split("/").pop() ?? "the earlier task definition"}.`,
            );
          }}
        />
      )}
      {stopping && (
        <StopDialog
          pipeline={name}
          executionId={stopping}
          busy={stop.isPending}
          error={stop.error}
          onConfirm={confirmStop}
          onCancel={() => setStopping(null)}
        />
      )}
      {retrying && (
        <RetryDialog
          stage={retrying.name}
          busy={retry.isPending}
          error={retry.error}
          onConfirm={confirmRetry}
          onCancel={() => setRetrying(null)}
        />
      )}
    </div>
  );
}
