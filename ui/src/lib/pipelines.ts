/**
 * TanStack Query hooks of the Pipelines pages. Polling rules:
 *
 * - the stage view polls at the `pollAfterMs` Rust returns (fast while an execution runs, slow when
 *   idle), faster only while a release started here has not shown up in AWS yet;
 * - the list refreshes every 30 s in the background;
 * - any error pauses polling (no retry storm against expired credentials) until the user presses
 *   Try again; AWS hiccups (`aws`, `internal`) are retried twice first.
 *
 * Data is never blanked while refetching: the previous view stays on screen.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { AppError } from "../bindings/AppError";
import type { PipelineView } from "../bindings/PipelineView";
import type { ReleaseRequest } from "../bindings/ReleaseRequest";
import type { RollbackPlan } from "../bindings/RollbackPlan";
import type { Session } from "../bindings/Session";
import { isReported, type Watch } from "./release/watch";

/** How often the list refreshes in the background. */
export const LIST_REFRESH_MS = 30_000;
/** How many recent executions the pipeline page shows. */
export const EXECUTIONS_LIMIT = 20;

/**
 * While a release started here is not visible in GetPipelineState/ListPipelineExecutions yet, Rust
 * still sees the pipeline idle (and would say "a minute"): look again at this pace instead.
 */
export const timing = { startingPollMs: 2000 };

export const pipelineKeys = {
  all: ["pipelines"] as const,
  list: (session: Session) => ["pipelines", "list", session] as const,
  pipeline: (session: Session, name: string) => ["pipelines", "pipeline", session, name] as const,
  view: (session: Session, name: string) => ["pipelines", "pipeline", session, name, "view"] as const,
  executions: (session: Session, name: string) => ["pipelines", "pipeline", session, name, "executions"] as const,
  serviceChanges: (session: Session, name: string) => ["pipelines", "pipeline", session, name, "service-changes"] as const,
  actionExecutions: (session: Session, name: string, executionId: string) =>
    ["pipelines", "pipeline", session, name, "actions", executionId] as const,
};

/** AWS-side hiccups worth asking again about, a couple of times, before pausing. */
function retryTransient(failureCount: number, error: AppError): boolean {
  return (error.code === "aws" || error.code === "internal") && failureCount < 2;
}

/** Focus and reconnect refetch too, except while an error has paused polling. */
function unlessPaused(query: { state: { status: string } }): boolean {
  return query.state.status !== "error";
}

export function usePipelines(session: Session) {
  return useQuery({
    queryKey: pipelineKeys.list(session),
    queryFn: () => api.pipelinesList(session),
    refetchInterval: (query) => (query.state.status === "error" ? false : LIST_REFRESH_MS),
    refetchOnWindowFocus: unlessPaused,
    refetchOnReconnect: unlessPaused,
    retry: retryTransient,
  });
}

/** When to fetch the stage view again: Rust's `pollAfterMs`, or never while an error pauses it. */
export function viewPollInterval(
  state: { status: string; data: PipelineView | undefined },
  watch: Watch | null,
): number | false {
  if (state.status === "error" || !state.data) return false;
  const wait = state.data.pollAfterMs;
  if (watch && !watch.seen && !isReported(state.data, watch)) return Math.min(wait, timing.startingPollMs);
  return wait;
}

/**
 * The live stage view of one pipeline, polled at Rust's pace. `watch` is the release started (or
 * watched) here, if any: until AWS reports it the view is asked for more often.
 */
export function usePipelineView(
  session: Session,
  name: string,
  watch: Watch | null = null,
  { refetchOnMount = true }: { refetchOnMount?: boolean } = {},
) {
  return useQuery({
    queryKey: pipelineKeys.view(session, name),
    queryFn: () => api.pipelineView(session, name),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => viewPollInterval(query.state, watch),
    // A release keeps its live title, taskbar progress and end notification when the window is hidden.
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: unlessPaused,
    refetchOnReconnect: unlessPaused,
    retry: retryTransient,
    staleTime: 0,
    refetchOnMount,
  });
}

export function usePipelineExecutions(session: Session, name: string) {
  return useQuery({
    queryKey: pipelineKeys.executions(session, name),
    queryFn: () => api.pipelineExecutions(session, name, EXECUTIONS_LIMIT),
    placeholderData: keepPreviousData,
    retry: retryTransient,
    refetchOnWindowFocus: unlessPaused,
  });
}

export function useActionExecutions(session: Session, name: string, executionId: string) {
  return useQuery({
    queryKey: pipelineKeys.actionExecutions(session, name, executionId),
    queryFn: () => api.pipelineActionExecutions(session, name, executionId),
    retry: retryTransient,
    refetchOnWindowFocus: unlessPaused,
  });
}

/** Ask for the view (and what depends on it) right away, e.g. after release, stop or retry. */
function useRefreshPipeline(session: Session) {
  const client = useQueryClient();
  return (name: string) =>
    Promise.all([
      client.invalidateQueries({ queryKey: pipelineKeys.pipeline(session, name) }),
      client.invalidateQueries({ queryKey: pipelineKeys.list(session) }),
    ]);
}

export function useReleaseStart(session: Session) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: (request: ReleaseRequest) => api.releaseStart(session, request),
    onSuccess: (_id, request) => {
      void refresh(request.pipeline);
    },
  });
}

export type StopInput = { executionId: string; abandon: boolean; reason: string | null };

export function useStopExecution(session: Session, name: string) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: ({ executionId, abandon, reason }: StopInput) =>
      api.executionStop(session, name, executionId, abandon, reason),
    onSuccess: () => {
      void refresh(name);
    },
  });
}

/** What rolling back to `to` (or the last good release) would do; asked of Rust each time the dialog opens. */
export function useRollbackPlan(session: Session, name: string, to: string | null) {
  return useQuery({
    queryKey: [...pipelineKeys.pipeline(session, name), "rollback-plan", to],
    queryFn: () => api.rollbackPlan(session, name, to),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

export function useRollback(session: Session, name: string) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: (plan: RollbackPlan) => api.rollbackRun(session, plan),
    onSuccess: () => {
      void refresh(name);
    },
  });
}

export type DecideInput = { approve: boolean; comment: string | null };

export function useDecideApproval(session: Session, name: string) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: ({ approve, comment }: DecideInput) => api.approvalDecide(session, name, approve, comment),
    onSuccess: () => {
      void refresh(name);
    },
  });
}

export type RetryInput = { stage: string; executionId: string | null; allActions: boolean };

export function useRetryStage(session: Session, name: string) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: ({ stage, executionId, allActions }: RetryInput) =>
      api.stageRetry(session, name, stage, executionId, allActions),
    onSuccess: () => {
      void refresh(name);
    },
  });
}

/** The service updates Pipewright made for the pipeline (V1 rollbacks), newest first. */
export function useServiceChanges(session: Session, name: string) {
  return useQuery({
    queryKey: pipelineKeys.serviceChanges(session, name),
    queryFn: () => api.serviceChanges(session, name),
  });
}

export function useUndoServiceChange(session: Session, name: string) {
  const refresh = useRefreshPipeline(session);
  return useMutation({
    mutationFn: (id: string) => api.serviceChangeUndo(session, id),
    onSuccess: () => {
      void refresh(name);
    },
  });
}
