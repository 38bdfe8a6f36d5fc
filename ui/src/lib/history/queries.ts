/**
 * Data of the Build history pages.
 *
 * - A project's builds live in the query cache under `historyKeys.builds` as list summaries: first
 *   the newest `FIRST_SCREEN` from the local store (`history_builds`, a few ms: the table's first
 *   rows and the whole chart), then the older ones from the store, then every batch `history_sync`
 *   streams is merged in as it lands
 *   (deduplicated by id, newest first). Sync is a query of its own, so TanStack dedupes it: it runs
 *   when a project opens, on Refresh, and every 30 s while a build is in progress. An error pauses
 *   that polling until Refresh.
 * - Figures (`history_stats`) are asked again after each sync.
 * - A build's detail reads the whole record (`history_build`: phases, log links; the list has only
 *   summaries) and polls it while the build runs; its log is read by Rust's follow rule
 *   (`build_log_read`), every 2 s while the build is in progress.
 */
import { Channel } from "@tauri-apps/api/core";
import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, historyApi, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { BuildSummary } from "../../bindings/BuildSummary";
import type { LogCursor } from "../../bindings/LogCursor";
import type { LogLine } from "../../bindings/LogLine";
import type { Session } from "../../bindings/Session";
import { useToast } from "../toast";
import { isInProgress, mergeBuilds } from "./records";

/** Timings of the history pages. Mutable so tests can make them short; the app never changes them. */
export const historyTiming = {
  /** Sync again this often while any build of the project is in progress. */
  runningSyncMs: 30_000,
  /** Follow a running build's log at this pace. */
  logPollMs: 2000,
  /** Refresh a running build's phases at this pace. */
  buildPollMs: 5000,
};

/** The newest builds read first: the chart's cap, and far more rows than a screen shows. */
export const FIRST_SCREEN = 1000;

export const historyKeys = {
  all: ["history"] as const,
  builds: (s: Session, project: string) => ["history", s, "project", project, "builds"] as const,
  older: (s: Session, project: string) => ["history", s, "project", project, "builds", "older"] as const,
  sync: (s: Session, project: string) => ["history", s, "project", project, "sync"] as const,
  stats: (s: Session, project: string) => ["history", s, "project", project, "stats"] as const,
  statsWindow: (s: Session, project: string, days: number) => ["history", s, "project", project, "stats", days] as const,
  commits: (s: Session, project: string) => ["history", s, "project", project, "commits"] as const,
  build: (s: Session, buildId: string) => ["history", s, "build", buildId] as const,
  pipelines: (s: Session) => ["history", s, "pipelines"] as const,
  releases: (s: Session, pipeline: string) => ["history", s, "pipeline", pipeline, "releases"] as const,
  dora: (s: Session, pipeline: string, days: number, version: number) =>
    ["history", s, "pipeline", pipeline, "dora", days, version] as const,
};

/** Merge a batch of builds into a project's cached list. */
export function mergeIntoCache(client: QueryClient, session: Session, project: string, batch: BuildSummary[]): void {
  client.setQueryData<BuildSummary[]>(historyKeys.builds(session, project), (old) => mergeBuilds(old ?? [], batch));
}

export type BuildHistory = {
  /** Newest first; empty until the store answered. */
  builds: BuildSummary[];
  /** The local store answered (the list may still be empty). */
  loaded: boolean;
  /** The store's older builds (past the first screen) are still being read. */
  loadingOlder: boolean;
  /** At least one sync with AWS finished (successfully or not). */
  synced: boolean;
  syncing: boolean;
  /** The store or the last sync failed; polling is paused until `refresh`. */
  error: AppError | null;
  /** When the last sync finished, ms. */
  syncedAt: number | null;
  refresh: () => void;
};

const EMPTY: BuildSummary[] = [];

/**
 * A project's builds: the newest stored ones at once, the older stored ones once `readOlder` (the
 * page passes "the first screen is drawn"), then what a sync brings, batch by batch.
 */
export function useBuildHistory(session: Session, project: string, { readOlder = true }: { readOlder?: boolean } = {}): BuildHistory {
  const client = useQueryClient();
  const stored = useQuery({
    queryKey: historyKeys.builds(session, project),
    // Anything already merged (a sync that ran before) wins over the stored copy.
    queryFn: async () => {
      // A fresh read of the store starts over: the older builds are read again after it.
      client.removeQueries({ queryKey: historyKeys.older(session, project), exact: true });
      // One more than the first screen tells whether there are older ones.
      const fromStore = await historyApi.builds(session, project, FIRST_SCREEN + 1);
      const cached = client.getQueryData<BuildSummary[]>(historyKeys.builds(session, project));
      return cached ? mergeBuilds(fromStore, cached) : fromStore;
    },
    staleTime: Infinity,
  });
  // A full first screen means there may be older builds in the store: read them all (once per
  // project and session), then merge; what is already in the cache (from a sync) wins.
  const hasOlder = (stored.data?.length ?? 0) > FIRST_SCREEN;
  const older = useQuery({
    queryKey: historyKeys.older(session, project),
    queryFn: async () => {
      const all = await historyApi.builds(session, project, null);
      client.setQueryData<BuildSummary[]>(historyKeys.builds(session, project), (old) => mergeBuilds(all, old ?? []));
      return all.length;
    },
    enabled: stored.isSuccess && hasOlder && readOlder,
    staleTime: Infinity,
  });
  const builds = stored.data ?? EMPTY;
  const running = useMemo(() => builds.some(isInProgress), [builds]);

  const toast = useToast();
  const sync = useQuery({
    queryKey: historyKeys.sync(session, project),
    queryFn: async () => {
      const channel = new Channel<BuildSummary[]>();
      channel.onmessage = (batch) => mergeIntoCache(client, session, project, batch);
      const report = await historyApi.sync(session, project, channel);
      // Said once by Rust: the store was damaged and is rebuilt, or records were skipped.
      if (report.notice) toast.info("Build history", report.notice);
      void client.invalidateQueries({ queryKey: historyKeys.stats(session, project) });
      return report;
    },
    enabled: stored.isSuccess,
    staleTime: 0,
    refetchInterval: (query) => (query.state.status === "error" || !running ? false : historyTiming.runningSyncMs),
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  const refetchStored = stored.refetch;
  const refetchOlder = older.refetch;
  const refetchSync = sync.refetch;
  const storedFailed = stored.isError;
  const olderFailed = older.isError;
  const refresh = useCallback(() => {
    if (storedFailed) {
      void refetchStored();
      return;
    }
    if (olderFailed) void refetchOlder();
    void refetchSync();
  }, [storedFailed, olderFailed, refetchStored, refetchOlder, refetchSync]);

  return {
    builds,
    loaded: stored.isSuccess,
    loadingOlder: hasOlder && older.isPending && !older.isError,
    synced: sync.isSuccess || sync.isError || sync.dataUpdatedAt > 0,
    syncing: sync.isFetching,
    error: stored.error ?? older.error ?? sync.error ?? null,
    syncedAt: sync.dataUpdatedAt || null,
    refresh,
  };
}

const NO_MESSAGES: Record<string, string> = {};

/**
 * The commit messages of a project's builds, by build id: the stored ones at once, then (after each
 * sync of the builds, `syncedAt`) those of the releases of the pipelines that ran them, brought up
 * to date. Messages are extra: a failed refresh (no CodePipeline access, say) keeps what the store
 * had and shows no error.
 */
export function useCommitMessages(session: Session, project: string, syncedAt: number | null): Record<string, string> {
  const client = useQueryClient();
  const key = historyKeys.commits(session, project);
  const stored = useQuery({
    queryKey: key,
    queryFn: () => historyApi.commits(session, project),
    staleTime: Infinity,
  });
  useQuery({
    queryKey: [...key, "sync", syncedAt] as const,
    queryFn: async () => {
      const fresh = await historyApi.commitsSync(session, project);
      client.setQueryData(key, fresh);
      return true;
    },
    enabled: syncedAt !== null && stored.isFetched,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  return stored.data ?? NO_MESSAGES;
}

export function useBuildStats(session: Session, project: string, days: number, enabled: boolean) {
  return useQuery({
    queryKey: historyKeys.statsWindow(session, project, days),
    queryFn: () => historyApi.stats(session, project, days),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** One build, whole (the list only has summaries): from the store, or fresh from AWS while it runs, every few seconds. */
export function useBuild(session: Session, project: string, buildId: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: historyKeys.build(session, buildId),
    queryFn: async () => {
      const build = await historyApi.build(session, buildId);
      // The list (table, chart) shows the same state as the detail.
      if (client.getQueryData(historyKeys.builds(session, project))) mergeIntoCache(client, session, project, [build]);
      return build;
    },
    staleTime: 0,
    refetchInterval: (query) =>
      query.state.status !== "error" && query.state.data && isInProgress(query.state.data)
        ? historyTiming.buildPollMs
        : false,
    refetchOnWindowFocus: false,
  });
}

/** Why a failed build failed, from Rust (its phases and the end of its log); asked once per build. */
export function useBuildDiagnosis(session: Session, buildId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...historyKeys.build(session, buildId), "diagnosis"],
    queryFn: () => api.buildDiagnosis(session, buildId),
    enabled,
    staleTime: Infinity,
    retry: false,
  });
}

export type BuildLog = {
  lines: LogLine[];
  consoleUrl: string | null;
  /** Still reading the pages there are (not following). */
  loading: boolean;
  /** Waiting for new lines of a running build. */
  following: boolean;
  error: AppError | null;
  /** False when CloudWatch has no such stream (yet): a queued build, or one that ended in PROVISIONING. */
  streamExists: boolean;
  /** Read the log again from the start. */
  reload: () => void;
};

/**
 * A build's log from the head, read with `build_log_read` as Rust's follow rule says: on at once
 * while there is more, every `historyTiming.logPollMs` while `running` (and one last look after
 * the build ended, as CloudWatch can lag), then done.
 */
export function useBuildLog(session: Session, group: string | null, stream: string | null, running: boolean): BuildLog {
  const [state, setState] = useState<Omit<BuildLog, "reload">>({
    lines: [],
    consoleUrl: null,
    loading: true,
    following: false,
    error: null,
    streamExists: true,
  });
  const [generation, setGeneration] = useState(0);
  const runningRef = useRef(running);
  const wake = useRef<(() => void) | null>(null);
  // Session objects are rebuilt on each render upstream: follow its value, not its identity.
  const sessionKey = JSON.stringify(session);

  useEffect(() => {
    runningRef.current = running;
    // A build that just started running again (retry) or ended: look now rather than at the next tick.
    wake.current?.();
  }, [running]);

  useEffect(() => {
    if (!group || !stream) {
      setState({ lines: [], consoleUrl: null, loading: false, following: false, error: null, streamExists: false });
      return;
    }
    const current = JSON.parse(sessionKey) as Session;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let cursor: LogCursor = { token: null, graceLeft: 0 };
    setState({ lines: [], consoleUrl: null, loading: true, following: false, error: null, streamExists: true });

    const schedule = () => {
      timer = setTimeout(() => {
        timer = null;
        wake.current = null;
        void step();
      }, historyTiming.logPollMs);
      wake.current = () => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        wake.current = null;
        void step();
      };
    };

    // Rust's `build_log_read` decides what follows each read (history::logs::read): more now,
    // a poll after a pause (the build runs, or one last look after it ended), or done.
    const step = async (): Promise<void> => {
      try {
        const read = await historyApi.logRead(current, group, stream, cursor, runningRef.current);
        if (cancelled) return;
        cursor = read.cursor;
        const more = read.lines.length > 0;
        setState((s) => ({
          lines: more ? s.lines.concat(read.lines) : s.lines,
          consoleUrl: read.consoleUrl ?? s.consoleUrl,
          loading: read.next === "more",
          following: read.next === "poll" && runningRef.current,
          error: null,
          streamExists: read.streamExists,
        }));
        if (read.next === "more") return step();
        if (read.next === "poll") return schedule();
      } catch (error) {
        if (cancelled) return;
        setState((s) => ({ ...s, loading: false, following: false, error: toAppError(error) }));
      }
    };
    void step();
    return () => {
      cancelled = true;
      wake.current = null;
      if (timer !== null) clearTimeout(timer);
    };
  }, [sessionKey, group, stream, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

export function useHistoryPipelines(session: Session, enabled: boolean) {
  return useQuery({
    queryKey: historyKeys.pipelines(session),
    queryFn: async () => (await api.pipelinesList(session)).map((p) => p.name).sort((a, b) => a.localeCompare(b)),
    enabled,
  });
}

export function useReleases(session: Session, pipeline: string) {
  return useQuery({
    queryKey: historyKeys.releases(session, pipeline),
    queryFn: () => historyApi.releases(session, pipeline),
    refetchOnWindowFocus: false,
  });
}

/** DORA figures from the stored executions, asked again whenever the releases were synced (`version`). */
export function useDora(session: Session, pipeline: string, days: number, version: number) {
  return useQuery({
    queryKey: historyKeys.dora(session, pipeline, days, version),
    queryFn: () => historyApi.dora(session, pipeline, days),
    placeholderData: keepPreviousData,
    enabled: version > 0,
  });
}
