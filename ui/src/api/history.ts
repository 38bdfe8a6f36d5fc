/** Build history: stored builds, sync from AWS, figures, logs, releases and DORA. */
import type { Channel } from "@tauri-apps/api/core";
import type { BuildRecord } from "../bindings/BuildRecord";
import type { BuildStats } from "../bindings/BuildStats";
import type { BuildSummary } from "../bindings/BuildSummary";
import type { DoraStats } from "../bindings/DoraStats";
import type { LogCursor } from "../bindings/LogCursor";
import type { LogRead } from "../bindings/LogRead";
import type { ReleaseRecord } from "../bindings/ReleaseRecord";
import type { Session } from "../bindings/Session";
import type { SyncReport } from "../bindings/SyncReport";
import { call } from "./core";

export const historyApi = {
  /** The stored builds of a project as the list shows them, newest first, from the local store (no AWS call). */
  builds: (session: Session, project: string, limit: number | null) =>
    call<BuildSummary[]>("history_builds", { session, project, limit }),
  /** Fetches what is new from AWS; each batch of builds arrives on `onBatch` as it lands. */
  sync: (session: Session, project: string, onBatch: Channel<BuildSummary[]>) =>
    call<SyncReport>("history_sync", { session, project, onBatch }),
  stats: (session: Session, project: string, windowDays: number) =>
    call<BuildStats>("history_stats", { session, project, windowDays }),
  /** One build; fetched fresh from AWS while it is in progress. */
  build: (session: Session, buildId: string) => call<BuildRecord>("history_build", { session, buildId }),
  /**
   * The next lines of a build's log from `cursor` and what to do next (`more`: read again now;
   * `poll`: again after a pause; `done`): the follow rule is Rust's, the same as the CLI's.
   */
  logRead: (session: Session, group: string, stream: string, cursor: LogCursor, running: boolean) =>
    call<LogRead>("build_log_read", { session, group, stream, cursor, running }),
  /** Syncs the pipeline's executions from AWS, then returns every stored one. */
  releases: (session: Session, pipeline: string) =>
    call<ReleaseRecord[]>("history_releases_sync", { session, pipeline }),
  dora: (session: Session, pipeline: string, windowDays: number) =>
    call<DoraStats>("history_dora", { session, pipeline, windowDays }),
  /**
   * The commit messages of a project's stored builds, by build id (CodeBuild keeps none: they come
   * from the releases of the pipelines that ran its builds). `sync` brings those releases up to date
   * first; without it, only what the store has (instant).
   */
  commits: (session: Session, project: string) => call<Record<string, string>>("history_commits", { session, project }),
  /** The same, after bringing up to date the releases that carry the messages. */
  commitsSync: (session: Session, project: string) =>
    call<Record<string, string>>("history_commits_sync", { session, project }),
};
