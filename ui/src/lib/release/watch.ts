import type { ActionView } from "../../bindings/ActionView";
/**
 * Executions the user started (release, retry) or watched on a pipeline page. A watcher keeps
 * polling each one's pipeline (sharing the page's query), drives the window title and taskbar
 * progress while it runs, and sends a desktop notification when it ends.
 */
import { createContext, useContext } from "react";
import type { ExecutionSummary } from "../../bindings/ExecutionSummary";
import type { PipelineView } from "../../bindings/PipelineView";
import type { Session } from "../../bindings/Session";
import { shortId } from "../format";
import { isRunning, statusLabel } from "../status";

export type WatchKind = "release" | "retry" | "watch";

export type Watch = {
  /** One watch per pipeline (and session): `watchKey(session, pipeline)`. */
  key: string;
  session: Session;
  pipeline: string;
  executionId: string;
  kind: WatchKind;
  /** For a retry: the execution's `updatedAt` when it was retried, so its old end is not taken for the new one. */
  before: string | null;
  /** Date.now() when the watch began. */
  since: number;
  /** AWS has reported the execution (for a release: it is in the view; for a retry: it moved again). */
  seen: boolean;
};

export type WatchInput = Pick<Watch, "session" | "pipeline" | "executionId" | "kind"> & { before?: string | null };

/** Where a running execution is, for the window title and taskbar. */
export type WatchProgress = {
  pipeline: string;
  /** The stage running now ("starting…" before AWS reports the execution). */
  stage: string;
  /** 1-based position of `stage` (0 while starting). */
  n: number;
  total: number;
  /** 0–100. */
  percent: number;
  /** Polling is paused by an error. */
  paused: boolean;
};

export type WatchActions = {
  watch: (input: WatchInput) => void;
  unwatch: (key: string, executionId: string) => void;
  markSeen: (key: string, executionId: string) => void;
  report: (key: string, progress: WatchProgress | null) => void;
};

export const WatchListContext = createContext<Watch[]>([]);
export const WatchActionsContext = createContext<WatchActions | null>(null);

export function useWatchActions(): WatchActions {
  const actions = useContext(WatchActionsContext);
  if (!actions) throw new Error("useWatchActions must be used inside <ReleaseWatchProvider>");
  return actions;
}

export function watchKey(session: Session, pipeline: string): string {
  return JSON.stringify([session.profile?.source ?? null, session.profile?.name ?? null, session.region, pipeline]);
}

/** The watch of this pipeline, if any. */
export function useWatch(session: Session, pipeline: string): Watch | null {
  const key = watchKey(session, pipeline);
  return useContext(WatchListContext).find((w) => w.key === key) ?? null;
}

/** After this long, stop waiting for AWS to report a started execution and show what it reports. */
export const STARTING_TIMEOUT_MS = 5 * 60_000;

/** True once the view shows the watched execution (a release or retry has really begun). */
export function isReported(view: PipelineView, watch: Watch): boolean {
  const id = watch.executionId;
  if (watch.kind === "watch" || watch.seen) return true;
  if (Date.now() - watch.since > STARTING_TIMEOUT_MS) return true;
  const latest = view.latest?.id === id ? view.latest : null;
  if (watch.kind === "release") return latest !== null || view.stages.some((s) => s.executionId === id);
  // A retry reuses the execution id: wait until it runs again (or at least changed).
  if (latest && (isRunning(latest.status) || latest.updatedAt !== watch.before)) return true;
  return view.stages.some((s) => s.executionId === id && isRunning(s.status));
}

/** Where the watched execution is now. */
export function progressOf(view: PipelineView, watch: Watch, reported: boolean, paused: boolean): WatchProgress {
  const total = view.stages.length;
  const base = { pipeline: watch.pipeline, total, paused };
  if (!reported || total === 0) return { ...base, stage: "starting…", n: 0, percent: 0 };
  const mine = view.stages.flatMap((s, i) => (s.executionId === watch.executionId ? [{ stage: s, i }] : []));
  const done = mine.filter((x) => x.stage.status === "Succeeded").length;
  const running = mine.find((x) => isRunning(x.stage.status));
  if (running) {
    return { ...base, stage: running.stage.name, n: running.i + 1, percent: ((done + 0.5) / total) * 100 };
  }
  // Between two stages: the next one after the last this execution reached.
  const last = mine[mine.length - 1];
  const nextIndex = last ? Math.min(last.i + 1, total - 1) : 0;
  return {
    ...base,
    stage: view.stages[nextIndex]?.name ?? "…",
    n: nextIndex + 1,
    percent: (done / total) * 100,
  };
}

export function windowTitle(progress: WatchProgress | null): string {
  if (!progress) return "Pipewright";
  return `Pipewright — ${progress.pipeline}: ${progress.stage} (${progress.n}/${progress.total})`;
}

/** The desktop notification when a manual approval starts waiting. */
export function approvalNotification(
  pipeline: string,
  stage: string,
  action: Pick<ActionView, "approval">,
): { title: string; body: string } {
  const comments = action.approval?.comments ? ` ${action.approval.comments}` : "";
  return {
    title: `${pipeline}: approval waiting`,
    body: `${stage} waits for someone to approve or reject it in Pipewright.${comments}`,
  };
}

/** The desktop notification for an execution that ended. */
export function endNotification(
  pipeline: string,
  execution: Pick<ExecutionSummary, "id" | "status" | "statusSummary">,
  view: PipelineView | undefined,
): { title: string; body: string } {
  const title = `${pipeline}: ${statusLabel(execution.status)}`;
  const id = shortId(execution.id);
  switch (execution.status) {
    case "Succeeded":
      return { title, body: `Execution ${id} finished: every stage succeeded.` };
    case "Failed": {
      const mine = view?.stages.filter((s) => s.executionId === execution.id) ?? [];
      // A deployment that failed (or that the circuit breaker rolled back) fails the release even
      // when CodePipeline says the stage succeeded: say what ECS said and why the tasks stopped.
      const rolledOut = mine.flatMap((s) => s.actions.map((a) => ({ stage: s, rollout: a.rollout })));
      const failedRollout = rolledOut.find((x) => x.rollout?.state === "FAILED");
      if (failedRollout?.rollout) {
        const task = failedRollout.rollout.stoppedTasks[0]?.stoppedReason;
        return {
          title,
          body: `Execution ${id} failed in ${failedRollout.stage.name}: ${failedRollout.rollout.summary}.${task ? ` ${task}` : ""}`,
        };
      }
      const stage = mine.find((s) => s.status === "Failed");
      const error = stage?.actions.find((a) => a.error)?.error;
      const where = stage ? ` in ${stage.name}` : "";
      return { title, body: `Execution ${id} failed${where}.${error ? ` ${error}` : ""}` };
    }
    case "Superseded":
      return { title, body: `Execution ${id} was superseded by a newer one.` };
    case "Stopped":
      return { title, body: `Execution ${id} was stopped.${execution.statusSummary ? ` ${execution.statusSummary}` : ""}` };
    default:
      return { title, body: `Execution ${id} ended: ${statusLabel(execution.status)}.` };
  }
}
