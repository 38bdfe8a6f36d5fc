/** Pipelines and release: the live view, executions, release / stop / retry, approvals, rollback. */
import type { ActionExecutionView } from "../bindings/ActionExecutionView";
import type { ApprovalOutcome } from "../bindings/ApprovalOutcome";
import type { Diagnosis } from "../bindings/Diagnosis";
import type { Issue } from "../bindings/Issue";
import type { ExecutionSummary } from "../bindings/ExecutionSummary";
import type { PipelineSummary } from "../bindings/PipelineSummary";
import type { PipelineView } from "../bindings/PipelineView";
import type { ReleaseRequest } from "../bindings/ReleaseRequest";
import type { RollbackPlan } from "../bindings/RollbackPlan";
import type { RollbackResult } from "../bindings/RollbackResult";
import type { ServiceChange } from "../bindings/ServiceChange";
import type { Session } from "../bindings/Session";
import { call } from "./core";

export const pipelinesApi = {
  pipelinesList: (session: Session) => call<PipelineSummary[]>("pipelines_list", { session }),
  /** The stage diagram with live states; `pollAfterMs` says when to ask again. */
  pipelineView: (session: Session, name: string) => call<PipelineView>("pipeline_view", { session, name }),
  /** The newest executions first. */
  pipelineExecutions: (session: Session, name: string, limit: number) =>
    call<ExecutionSummary[]>("pipeline_executions", { session, name, limit }),
  pipelineActionExecutions: (session: Session, name: string, executionId: string) =>
    call<ActionExecutionView[]>("pipeline_action_executions", { session, name, executionId }),
  /** Starts an execution and resolves with its id; the same clientRequestToken twice starts one. */
  /** Every problem Rust finds with a release request (offline), each naming its field. */
  releaseValidate: (request: ReleaseRequest) => call<Issue[]>("release_validate", { request }),
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
  /** Does a confirmed rollback plan. */
  rollbackRun: (session: Session, plan: RollbackPlan) => call<RollbackResult>("rollback_run", { session, plan }),
  /** The service updates Pipewright made for a pipeline (V1 rollbacks), newest first. */
  serviceChanges: (session: Session, pipeline: string) =>
    call<ServiceChange[]>("service_changes", { session, pipeline }),
  /** Puts the service back on what it ran before that update (refused if it has moved on since). */
  serviceChangeUndo: (session: Session, id: string) => call<ServiceChange>("service_change_undo", { session, id }),
  /** Why a build failed (null unless it failed). */
  buildDiagnosis: (session: Session, buildId: string) => call<Diagnosis | null>("build_diagnosis", { session, buildId }),
};
