/** The New pipeline wizard: plans, AWS lookups for its pickers, review, apply and receipts. */
import type { Channel } from "@tauri-apps/api/core";
import type { ApplyEvent } from "../bindings/ApplyEvent";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import type { EcrRepositoryInfo } from "../bindings/EcrRepositoryInfo";
import type { FileKind } from "../bindings/FileKind";
import type { Issue } from "../bindings/Issue";
import type { OpenedPlan } from "../bindings/OpenedPlan";
import type { Plan } from "../bindings/Plan";
import type { Receipt } from "../bindings/Receipt";
import type { Review } from "../bindings/Review";
import type { Session } from "../bindings/Session";
import { call } from "./core";

export const planApi = {
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

  /** The plan Pipewright last applied for a project: what "Review the fix" opens in the wizard. */
  diagnosisFixPlan: (session: Session, project: string) => call<Plan | null>("diagnosis_fix_plan", { session, project }),
};
