import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, type TaskbarProgress } from "../../api";
import type { ExecutionSummary } from "../../bindings/ExecutionSummary";
import type { PipelineView } from "../../bindings/PipelineView";
import { EXECUTIONS_LIMIT, pipelineKeys, usePipelineView } from "../../lib/pipelines";
import {
  WatchActionsContext,
  WatchListContext,
  approvalNotification,
  endNotification,
  isReported,
  progressOf,
  useWatchActions,
  watchKey,
  windowTitle,
  type Watch,
  type WatchActions,
  type WatchInput,
  type WatchProgress,
} from "../../lib/release/watch";
import { isRunning } from "../../lib/status";

/**
 * Holds the executions being watched and renders one invisible watcher per pipeline. The watchers
 * share the pipeline page's query (same key), so a page and its watcher poll once, together.
 */
export function ReleaseWatchProvider({ children }: { children: ReactNode }) {
  const [watches, setWatches] = useState<Watch[]>([]);
  const [reports, setReports] = useState<Record<string, WatchProgress>>({});

  const actions = useMemo<WatchActions>(
    () => ({
      watch: (input: WatchInput) => {
        const key = watchKey(input.session, input.pipeline);
        setWatches((list) => {
          const existing = list.find((w) => w.key === key);
          if (existing?.executionId === input.executionId && input.kind === "watch") return list;
          // Merely watching never replaces a release that AWS has not reported yet.
          if (existing && input.kind === "watch" && !existing.seen) return list;
          const next: Watch = {
            key,
            session: input.session,
            pipeline: input.pipeline,
            executionId: input.executionId,
            kind: input.kind,
            before: input.before ?? null,
            since: Date.now(),
            seen: input.kind === "watch",
          };
          return [...list.filter((w) => w.key !== key), next];
        });
      },
      unwatch: (key, executionId) => {
        setWatches((list) => list.filter((w) => !(w.key === key && w.executionId === executionId)));
        setReports((all) => {
          if (!(key in all)) return all;
          const next = { ...all };
          delete next[key];
          return next;
        });
      },
      markSeen: (key, executionId) =>
        setWatches((list) =>
          list.map((w) => (w.key === key && w.executionId === executionId && !w.seen ? { ...w, seen: true } : w)),
        ),
      report: (key, progress) =>
        setReports((all) => {
          const before = all[key];
          if (progress === null) {
            if (!before) return all;
            const next = { ...all };
            delete next[key];
            return next;
          }
          if (before && JSON.stringify(before) === JSON.stringify(progress)) return all;
          return { ...all, [key]: progress };
        }),
    }),
    [],
  );

  // The most recently watched execution that is running drives the title and taskbar.
  let current: WatchProgress | null = null;
  for (const w of watches) current = reports[w.key] ?? current;
  const title = windowTitle(current);
  const taskbar: TaskbarProgress = current
    ? { status: current.paused ? "paused" : "normal", progress: current.percent }
    : { status: "none" };
  const taskbarKey = JSON.stringify(taskbar);

  const shownTitle = useRef("Pipewright");
  useEffect(() => {
    if (shownTitle.current === title) return;
    shownTitle.current = title;
    void api.desktop.setTitle(title);
  }, [title]);

  const shownTaskbar = useRef(JSON.stringify({ status: "none" }));
  useEffect(() => {
    if (shownTaskbar.current === taskbarKey) return;
    shownTaskbar.current = taskbarKey;
    void api.desktop.setProgress(JSON.parse(taskbarKey) as TaskbarProgress);
  }, [taskbarKey]);

  return (
    <WatchActionsContext.Provider value={actions}>
      <WatchListContext.Provider value={watches}>
        {children}
        {watches.map((w) => (
          <Watcher key={`${w.key}|${w.executionId}`} watch={w} />
        ))}
      </WatchListContext.Provider>
    </WatchActionsContext.Provider>
  );
}

/** Follows one execution until it ends; renders nothing. */
function Watcher({ watch }: { watch: Watch }) {
  const { unwatch, markSeen, report } = useWatchActions();
  const client = useQueryClient();
  // The page (or the release) has just fetched the view: mounting a watcher asks nothing more.
  const view = usePipelineView(watch.session, watch.pipeline, watch, { refetchOnMount: false });
  const data = view.data?.name === watch.pipeline ? view.data : undefined;
  const paused = view.isError;

  const finish = useCallback(
    (execution: ExecutionSummary, last: PipelineView | undefined) => {
      const { title, body } = endNotification(watch.pipeline, execution, last);
      void api.desktop.notify(title, body, { pipeline: watch.pipeline, approval: false });
      unwatch(watch.key, watch.executionId);
    },
    [unwatch, watch.key, watch.executionId, watch.pipeline],
  );

  // A manual approval of the watched execution starts waiting: tell the desktop once.
  const toldApprovals = useRef(new Set<string>());
  useEffect(() => {
    if (!data) return;
    for (const stage of data.stages) {
      if (stage.executionId !== watch.executionId) continue;
      for (const action of stage.actions) {
        const key = `${stage.name}/${action.name}`;
        if (!action.awaitingApproval || toldApprovals.current.has(key)) continue;
        toldApprovals.current.add(key);
        const { title, body } = approvalNotification(watch.pipeline, stage.name, action);
        void api.desktop.notify(title, body, { pipeline: watch.pipeline, approval: true });
      }
    }
  }, [data, watch.executionId, watch.pipeline]);

  useEffect(() => {
    if (!data) return;
    const reported = isReported(data, watch);
    if (!reported) {
      report(watch.key, progressOf(data, watch, false, paused));
      return;
    }
    if (!watch.seen) markSeen(watch.key, watch.executionId);
    const latest = data.latest;
    if (latest?.id === watch.executionId) {
      if (isRunning(latest.status)) report(watch.key, progressOf(data, watch, true, paused));
      else finish(latest, data);
      return;
    }
    // A newer execution came after it: look it up in the recent executions (cached for 10 s).
    let cancelled = false;
    client
      .fetchQuery({
        queryKey: pipelineKeys.executions(watch.session, watch.pipeline),
        queryFn: () => api.pipelineExecutions(watch.session, watch.pipeline, EXECUTIONS_LIMIT),
        staleTime: 10_000,
      })
      .then((list) => {
        if (cancelled) return;
        const mine = list.find((e) => e.id === watch.executionId);
        if (!mine) unwatch(watch.key, watch.executionId);
        else if (isRunning(mine.status)) report(watch.key, progressOf(data, watch, true, paused));
        else finish(mine, data);
      })
      .catch(() => {
        // The page shows the error; try again on the next poll.
      });
    return () => {
      cancelled = true;
    };
    // Re-check on every poll (dataUpdatedAt), not only when the view changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view.dataUpdatedAt, paused]);

  return null;
}
