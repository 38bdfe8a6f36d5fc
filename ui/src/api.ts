/**
 * The one place the UI talks to the Rust core.
 *
 * Every command goes through `call`, which turns whatever `invoke` rejects
 * with into an `AppError` (`{ code, message, field }`). Types come only from
 * the ts-rs generated files in `./bindings`.
 */
import { invoke, type Channel, type InvokeArgs } from "@tauri-apps/api/core";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { ApplyEvent } from "./bindings/ApplyEvent";
import type { ConnectionInfo } from "./bindings/ConnectionInfo";
import type { EcrRepositoryInfo } from "./bindings/EcrRepositoryInfo";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { Identity } from "./bindings/Identity";
import type { Issue } from "./bindings/Issue";
import type { Plan } from "./bindings/Plan";
import type { ProfileInput } from "./bindings/ProfileInput";
import type { ProfileRef } from "./bindings/ProfileRef";
import type { ProfileSummary } from "./bindings/ProfileSummary";
import type { Receipt } from "./bindings/Receipt";
import type { RegionInfo } from "./bindings/RegionInfo";
import type { Review } from "./bindings/Review";
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

/** Run a plugin call (dialog, opener) and normalize its rejection like a command's. */
async function plugin<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toAppError(error);
  }
}

/** The file filter of plan files in the open/save dialogs. */
export const PLAN_FILTER = { name: "Pipewright plan", extensions: ["toml"] };

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
  planOpen: (path: string) => call<Plan>("plan_open", { path }),
  planSave: (path: string, plan: Plan) => call<null>("plan_save", { path, plan }),
  textSave: (path: string, contents: string) => call<null>("text_save", { path, contents }),

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
  receiptTeardown: (receiptId: string, onEvent: Channel<ApplyEvent>) =>
    call<Receipt>("receipt_teardown", { receiptId, onEvent }),
  receiptsList: () => call<Receipt[]>("receipts_list"),

  /** Ask for a plan file to open; null when the user cancels. */
  pickPlanToOpen: () =>
    plugin(async () => {
      const path = await openDialog({ multiple: false, directory: false, filters: [PLAN_FILTER] });
      return typeof path === "string" ? path : null;
    }),
  /** Ask where to save a file; null when the user cancels. */
  pickSavePath: (defaultPath: string, filter?: { name: string; extensions: string[] }) =>
    plugin(() => saveDialog({ defaultPath, filters: filter ? [filter] : undefined })),

  /** Open an https link in the user's browser (never inside the app window). */
  openExternal: (url: string): Promise<void> => plugin(() => openUrl(url)),
};
