import type { ActionView } from "../bindings/ActionView";
import type { ExecutionSummary } from "../bindings/ExecutionSummary";
import type { PipelineSummary } from "../bindings/PipelineSummary";
import type { PipelineView } from "../bindings/PipelineView";
import type { Rollout } from "../bindings/Rollout";
import type { StageView } from "../bindings/StageView";
import { mockBackend, profile } from "./backend";
import { ACCOUNT, SESSION } from "./wizard";

type Handler = (args: Record<string, unknown>) => unknown;

export { SESSION };
export const PIPELINE = "cruddur-backend-fargate";
export const SHA = "3f9c2ab8d1e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8";
export const OLD_ID = "11111111-aaaa-bbbb-cccc-000000000001";
export const NEW_ID = "22222222-aaaa-bbbb-cccc-000000000002";
const CONSOLE = "https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines";

export function execution(overrides: Partial<ExecutionSummary> = {}): ExecutionSummary {
  return {
    id: OLD_ID,
    status: "Succeeded",
    statusSummary: null,
    trigger: "Webhook",
    triggerDetail: "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc",
    revisions: [
      {
        action: "Source",
        revisionId: SHA,
        summary: "Fix the login redirect",
        url: `https://github.com/example/aws-bootcamp-cruddur-2023/commit/${SHA}`,
      },
    ],
    startedAt: "2025-01-01T10:00:00Z",
    updatedAt: "2025-01-01T10:04:10Z",
    durationSeconds: 250,
    executionType: "STANDARD",
    pipelineStatus: null,
    ...overrides,
  };
}

export function summary(name: string, overrides: Partial<PipelineSummary> = {}): PipelineSummary {
  return {
    name,
    pipelineType: "V2",
    executionMode: "SUPERSEDED",
    updatedAt: "2025-01-01T09:00:00Z",
    latest: execution(),
    consoleUrl: `${CONSOLE}/${name}/view?region=us-east-1`,
    ...overrides,
  };
}

export function action(overrides: Partial<ActionView> & { name: string }): ActionView {
  return {
    category: "Build",
    provider: "CodeBuild",
    status: "Succeeded",
    executionId: `ae-${overrides.name}`,
    lastChange: "2025-01-01T10:02:00Z",
    summary: null,
    externalExecutionId: null,
    externalUrl: null,
    entityUrl: null,
    error: null,
    awaitingApproval: false,
    rollout: null,
    diagnosis: null,
    approval: null,
    ...overrides,
  };
}

export function stage(overrides: Partial<StageView> & { name: string }): StageView {
  return {
    status: "Succeeded",
    executionId: OLD_ID,
    transitionEnabled: true,
    transitionDisabledReason: null,
    actions: [],
    ...overrides,
  };
}

export const BUILD_ID = "cruddur-backend-flask-bake-image:0b6f8f7e-1111-2222-3333-444455556666";
export const BUILD_URL = `https://console.aws.amazon.com/codesuite/codebuild/${ACCOUNT}/projects/cruddur-backend-flask-bake-image/build/${encodeURIComponent(BUILD_ID)}/?region=us-east-1`;
export const ECS_URL =
  "https://console.aws.amazon.com/ecs/home?region=us-east-1#/clusters/cruddur/services/backend-flask/details";

/** Source → Build → Deploy, all Succeeded for OLD_ID, like the reference pipeline after a run. */
export function view(overrides: Partial<PipelineView> = {}): PipelineView {
  return {
    name: PIPELINE,
    version: 1,
    pipelineType: "V2",
    executionMode: "SUPERSEDED",
    repository: "example/aws-bootcamp-cruddur-2023",
    branch: "prod",
    stages: [
      stage({
        name: "Source",
        actions: [action({ name: "Source", category: "Source", provider: "CodeStarSourceConnection" })],
      }),
      stage({
        name: "Build",
        actions: [
          action({ name: "bake", externalExecutionId: BUILD_ID, externalUrl: BUILD_URL }),
        ],
      }),
      stage({
        name: "Deploy",
        actions: [action({ name: "Deploy", category: "Deploy", provider: "ECS", entityUrl: ECS_URL })],
      }),
    ],
    latest: execution(),
    inProgress: false,
    pollAfterMs: 30_000,
    consoleUrl: `${CONSOLE}/${PIPELINE}/view?region=us-east-1`,
    ...overrides,
  };
}

/** The same view with `id` running in Build (Source done, Deploy not reached). */
export function runningView(id = OLD_ID, overrides: Partial<PipelineView> = {}): PipelineView {
  const base = view();
  return {
    ...base,
    stages: [
      stage({ ...base.stages[0]!, executionId: id }),
      stage({
        ...base.stages[1]!,
        status: "InProgress",
        executionId: id,
        actions: [action({ name: "bake", status: "InProgress", externalExecutionId: BUILD_ID, externalUrl: BUILD_URL })],
      }),
      base.stages[2]!,
    ],
    latest: execution({ id, status: "InProgress", durationSeconds: 30, trigger: "StartPipelineExecution" }),
    inProgress: true,
    pollAfterMs: 2000,
    ...overrides,
  };
}

/** The mocked Rust side with a ready session (profile prod, us-east-1) and the pipeline commands. */
export function mockPipelinesBackend(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    profiles: [profile({ name: "prod", region: "us-east-1", lastAccountId: ACCOUNT })],
    session: SESSION,
    handlers: {
      pipelines_list: () => [summary(PIPELINE)],
      pipeline_view: () => view(),
      pipeline_executions: () => [execution()],
      pipeline_action_executions: () => [],
      open_external: () => null,
      desktop_notify: () => null,
      service_changes: () => [],
      // Rust's rules are Rust's tests; a test that wants an issue gives its own handler.
      release_validate: () => [],
      "plugin:window|set_title": () => null,
      "plugin:window|set_progress_bar": () => null,
      ...handlers,
    },
  });
}

/** The ECS rollout of a release the circuit breaker rolled back (what Rust reports). */
export function failedRollout(overrides: Partial<Rollout> = {}): Rollout {
  return {
    cluster: "cruddur",
    service: "backend-flask",
    deploymentId: "ecs-svc/1234567890123456789",
    state: "FAILED",
    reason: "ECS deployment circuit breaker: tasks failed to start.",
    taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/backend-flask:7",
    desired: 1,
    running: 0,
    pending: 0,
    failedTasks: 3,
    createdAt: "2025-01-01T10:03:00Z",
    rolledBack: true,
    rolledBackTo: "ecs-svc/1111111111111111111",
    events: [],
    stoppedTasks: [
      {
        taskId: "0f3c9a8b7c6d5e4f",
        stoppedAt: "2025-01-01T10:03:30Z",
        stopCode: "TaskFailedToStart",
        stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found",
        containers: [{ name: "backend-flask", exitCode: null, reason: "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found" }],
      },
    ],
    stalled: null,
    summary: "rolled back by the circuit breaker: tasks failed to start",
    ...overrides,
  };
}
