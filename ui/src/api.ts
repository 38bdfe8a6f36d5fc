/**
 * The one place the UI talks to the Rust core.
 *
 * Every command goes through `call`, which turns whatever `invoke` rejects
 * with into an `AppError` (`{ code, message, field }`). Types come only from
 * the ts-rs generated files in `./bindings`.
 */
import { invoke, type Channel, type InvokeArgs } from "@tauri-apps/api/core";
import { getCurrentWindow, ProgressBarStatus } from "@tauri-apps/api/window";
import { listen } from "@tauri-apps/api/event";
import { isPermissionGranted, requestPermission } from "@tauri-apps/plugin-notification";
import type { ActionExecutionView } from "./bindings/ActionExecutionView";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { ApprovalOutcome } from "./bindings/ApprovalOutcome";
import type { ApplyEvent } from "./bindings/ApplyEvent";
import type { ConnectionInfo } from "./bindings/ConnectionInfo";
import type { EcrRepositoryInfo } from "./bindings/EcrRepositoryInfo";
import type { Diagnosis } from "./bindings/Diagnosis";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ExecutionSummary } from "./bindings/ExecutionSummary";
import type { FileKind } from "./bindings/FileKind";
import type { Identity } from "./bindings/Identity";
import type { Issue } from "./bindings/Issue";
import type { NotificationOpen } from "./bindings/NotificationOpen";
import type { OpenedPlan } from "./bindings/OpenedPlan";
import type { PipelineSummary } from "./bindings/PipelineSummary";
import type { PipelineView } from "./bindings/PipelineView";
import type { Plan } from "./bindings/Plan";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProfileRef } from "./bindings/ProfileRef";
import type { ProfileSummary } from "./bindings/ProfileSummary";
import type { Receipt } from "./bindings/Receipt";
import type { RegionInfo } from "./bindings/RegionInfo";
import type { ReleaseRequest } from "./bindings/ReleaseRequest";
import type { RollbackPlan } from "./bindings/RollbackPlan";
import type { RollbackResult } from "./bindings/RollbackResult";
import type { Review } from "./bindings/Review";
import type { ServiceChange } from "./bindings/ServiceChange";
import type { Session } from "./bindings/Session";

/** Runtime mirror of the generated `ErrorCode` union; `satisfies` makes the compiler flag drift. */
const ERROR_CODES = {
  validation: true,
  not_found: true,
  conflict: true,
  keyring_unavailable: true,
  invalid_credentials: true,
  expired_credentials: true,
  access_denied: true,
  network: true,
  aws: true,
  internal: true,
} as const satisfies Record<ErrorCode, true>;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** True for a well-formed `AppError` as sent by a Rust command. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    isErrorCode(v.code) &&
    typeof v.message === "string" &&
    (v.field === null || v.field === undefined || typeof v.field === "string")
  );
}

/** Normalize anything a command can reject with into an `AppError`. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) {
    return { code: error.code, message: error.message, field: error.field ?? null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal", message, field: null };
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // Rejections are always plain AppError objects, matching what Rust sends.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toAppError(error);
  }
}

/** Swallow a failure of something optional (window title, taskbar progress, notifications). */
async function optional(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch {
    // Not available here (tests, a platform without it, permission missing): the page goes on.
  }
}

/** The state of the taskbar progress indicator. */
export type TaskbarProgress =
  | { status: "none" }
  | { status: "normal" | "paused" | "error"; progress: number };

const PROGRESS_STATUS = {
  none: ProgressBarStatus.None,
  normal: ProgressBarStatus.Normal,
  paused: ProgressBarStatus.Paused,
  error: ProgressBarStatus.Error,
} as const;

/** Whether desktop notifications may be shown, asking the user once when they have not decided. */
async function notificationsAllowed(): Promise<boolean> {
  if (await isPermissionGranted()) return true;
  return (await requestPermission()) === "granted";
}


export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  regionsList: () => call<RegionInfo[]>("regions_list"),

  profilesList: () => call<ProfileSummary[]>("profiles_list"),
  profileSave: (input: ProfileInput) => call<ProfileSummary>("profile_save", { input }),
  profileRemove: (name: string) => call<null>("profile_remove", { name }),
  credentialsTest: (input: ProfileInput) => call<Identity>("credentials_test", { input }),
  profileTest: (profile: ProfileRef, region: string | null) =>
    call<Identity>("profile_test", { profile, region }),

  sessionGet: () => call<Session>("session_get"),
  sessionSet: (session: Session) => call<Session>("session_set", { session }),

  // Plans (offline).
  planReference: () => call<Plan>("plan_reference"),
  planValidate: (plan: Plan) => call<Issue[]>("plan_validate", { plan }),
  /** Rust asks for a plan file (native dialog) and reads it; null when the user cancels. */
  planOpen: () => call<OpenedPlan | null>("plan_open"),
  /** Rust asks where to save (suggesting `fileName`) and writes the plan; the path, or null. */
  planSave: (plan: Plan, fileName: string | null) => call<string | null>("plan_save", { plan, fileName }),
  /** The same for a generated file (a buildspec). */
  textSave: (kind: FileKind, contents: string, fileName: string | null) =>
    call<string | null>("text_save", { kind, contents, fileName }),

  // GitHub connections.
  connectionsList: (session: Session) => call<ConnectionInfo[]>("connections_list", { session }),
  connectionCreate: (session: Session, name: string) => call<ConnectionInfo>("connection_create", { session, name }),
  connectionGet: (session: Session, arn: string) => call<ConnectionInfo>("connection_get", { session, arn }),

  // Pickers (read-only AWS lookups).
  ecrRepositories: (session: Session) => call<EcrRepositoryInfo[]>("ecr_repositories", { session }),
  ecsClusters: (session: Session) => call<string[]>("ecs_clusters", { session }),
  ecsServices: (session: Session, cluster: string) => call<string[]>("ecs_services", { session, cluster }),
  ecsContainers: (session: Session, cluster: string, service: string) =>
    call<string[]>("ecs_containers", { session, cluster, service }),
  codebuildProjects: (session: Session) => call<string[]>("codebuild_projects", { session }),

  // Generated documents.
  ecrPolicyGenerate: (session: Session, plan: Plan) => call<string>("ecr_policy_generate", { session, plan }),
  buildspecGenerate: (session: Session, plan: Plan) => call<string>("buildspec_generate", { session, plan }),

  // Review, apply, receipts.
  planReview: (session: Session, plan: Plan) => call<Review>("plan_review", { session, plan }),
  /** Creates everything; progress arrives on `onEvent`. A failed run resolves with status "failed". */
  applyStart: (session: Session, plan: Plan, onEvent: Channel<ApplyEvent>) =>
    call<Receipt>("apply_start", { session, plan, onEvent }),
  /** Deletes exactly what the receipt's run created (roll back / tear down), streaming `deleted` events. */
  receiptTeardown: (session: Session, receiptId: string, onEvent: Channel<ApplyEvent>) =>
    call<Receipt>("receipt_teardown", { session, receiptId, onEvent }),
  receiptsList: () => call<Receipt[]>("receipts_list"),
  /** Runs that were cut off (the app or the CLI died mid-run): resume or roll back. */
  receiptsUnfinished: () => call<Receipt[]>("receipts_unfinished"),

  // Pipelines and release.
  pipelinesList: (session: Session) => call<PipelineSummary[]>("pipelines_list", { session }),
  /** The stage diagram with live states; `pollAfterMs` says when to ask again. */
  pipelineView: (session: Session, name: string) => call<PipelineView>("pipeline_view", { session, name }),
  /** The newest executions first. */
  pipelineExecutions: (session: Session, name: string, limit: number) =>
    call<ExecutionSummary[]>("pipeline_executions", { session, name, limit }),
  pipelineActionExecutions: (session: Session, name: string, executionId: string) =>
    call<ActionExecutionView[]>("pipeline_action_executions", { session, name, executionId }),
  /** Starts an execution and resolves with its id; the same clientRequestToken twice starts one. */
  releaseStart: (session: Session, request: ReleaseRequest) => call<string>("release_start", { session, request }),
  executionStop: (session: Session, name: string, executionId: string, abandon: boolean, reason: string | null) =>
    call<null>("execution_stop", { session, name, executionId, abandon, reason }),
  /** Retries a failed stage; resolves with the execution id. */
  stageRetry: (session: Session, name: string, stage: string, executionId: string | null, allActions: boolean) =>
    call<string>("stage_retry", { session, name, stage, executionId, allActions }),
  /** Approve or reject the approval waiting in a pipeline (Rust reads its token). */
  approvalDecide: (session: Session, pipeline: string, approve: boolean, comment: string | null) =>
    call<ApprovalOutcome>("approval_decide", { session, pipeline, approve, comment }),
  /** What rolling back to `to` (or to the last good release) would do: what runs now, what it goes back to. */
  rollbackPlan: (session: Session, pipeline: string, to: string | null) =>
    call<RollbackPlan>("rollback_plan", { session, pipeline, to }),
  /** Why a build failed (null unless it failed). */
  buildDiagnosis: (session: Session, buildId: string) => call<Diagnosis | null>("build_diagnosis", { session, buildId }),
  /** The plan Pipewright last applied for a project: what "Review the fix" opens in the wizard. */
  diagnosisFixPlan: (session: Session, project: string) => call<Plan | null>("diagnosis_fix_plan", { session, project }),
  /** Does a confirmed rollback plan. */
  rollbackRun: (session: Session, plan: RollbackPlan) => call<RollbackResult>("rollback_run", { session, plan }),
  /** The service updates Pipewright made for a pipeline (V1 rollbacks), newest first. */
  serviceChanges: (session: Session, pipeline: string) =>
    call<ServiceChange[]>("service_changes", { session, pipeline }),
  /** Puts the service back on what it ran before that update (refused if it has moved on since). */
  serviceChangeUndo: (session: Session, id: string) => call<ServiceChange>("service_change_undo", { session, id }),

  /** Open an https link in the user's browser (never inside the app window). */
  openExternal: (url: string) => call<null>("open_external", { url }).then(() => undefined),

  /**
   * The window title, taskbar progress and desktop notifications during a release. All optional:
   * these never reject, so a missing permission or platform support cannot break a page.
   */
  desktop: {
    setTitle: (title: string) => optional(() => getCurrentWindow().setTitle(title)),
    setProgress: (state: TaskbarProgress) =>
      optional(() =>
        getCurrentWindow().setProgressBar(
          state.status === "none"
            ? { status: ProgressBarStatus.None }
            : { status: PROGRESS_STATUS[state.status], progress: Math.round(Math.min(100, Math.max(0, state.progress))) },
        ),
      ),
    /** Ask for the notification permission now (call it from a click), so the end of a release can notify. */
    prepareNotifications: () => optional(notificationsAllowed),
    /** A notification; clicked, it brings the window forward and opens `open` (see onNotificationOpen). */
    notify: (title: string, body: string, open: NotificationOpen | null = null) =>
      optional(async () => {
        if (await notificationsAllowed()) await call<null>("desktop_notify", { title, body, open });
      }),
    /** Calls `handler` when a notification that names what it opens is clicked; returns the unsubscribe. */
    onNotificationOpen: (handler: (open: NotificationOpen) => void): (() => void) => {
      let stop: (() => void) | null = null;
      let stopped = false;
      listen<NotificationOpen>("notification-open", (e) => handler(e.payload))
        .then((unlisten) => (stopped ? unlisten() : (stop = unlisten)))
        .catch(() => {
          // No Tauri here (tests): nothing to listen to.
        });
      return () => {
        stopped = true;
        stop?.();
      };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Build history (Build history page). Kept in one block of its own, after `api`.

import type { Channel as HistoryChannel } from "@tauri-apps/api/core";
import type { BuildRecord } from "./bindings/BuildRecord";
import type { BuildSummary } from "./bindings/BuildSummary";
import type { BuildStats } from "./bindings/BuildStats";
import type { DoraStats } from "./bindings/DoraStats";
import type { LogPage } from "./bindings/LogPage";
import type { ReleaseRecord } from "./bindings/ReleaseRecord";
import type { SyncReport } from "./bindings/SyncReport";

export const historyApi = {
  /** The stored builds of a project as the list shows them, newest first, from the local store (no AWS call). */
  builds: (session: Session, project: string, limit: number | null) =>
    call<BuildSummary[]>("history_builds", { session, project, limit }),
  /** Fetches what is new from AWS; each batch of builds arrives on `onBatch` as it lands. */
  sync: (session: Session, project: string, onBatch: HistoryChannel<BuildSummary[]>) =>
    call<SyncReport>("history_sync", { session, project, onBatch }),
  stats: (session: Session, project: string, windowDays: number) =>
    call<BuildStats>("history_stats", { session, project, windowDays }),
  /** One build; fetched fresh from AWS while it is in progress. */
  build: (session: Session, buildId: string) => call<BuildRecord>("history_build", { session, buildId }),
  /** One page of a build's CloudWatch log from the head; pass the returned `nextToken` back for more. */
  logs: (session: Session, group: string, stream: string, nextToken: string | null) =>
    call<LogPage>("build_logs", { session, group, stream, nextToken }),
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
