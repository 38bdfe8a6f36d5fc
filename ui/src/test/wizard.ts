import { act, screen, waitFor } from "@testing-library/react";
import type { UserEvent } from "@testing-library/user-event";
import { expect } from "vitest";
import type { ApplyEvent } from "../bindings/ApplyEvent";
import type { ConnectionInfo } from "../bindings/ConnectionInfo";
import type { Plan } from "../bindings/Plan";
import type { Receipt } from "../bindings/Receipt";
import type { Review } from "../bindings/Review";
import type { Session } from "../bindings/Session";
import type { StepId } from "../bindings/StepId";
import { STEPS } from "../components/wizard/steps";
import { mockBackend, profile } from "./backend";

type Handler = (args: Record<string, unknown>) => unknown;

export const ACCOUNT = "123456789012";
export const SESSION: Session = { profile: { source: "pipewright", name: "prod" }, region: "us-east-1" };
export const CONNECTION_ARN = `arn:aws:codestar-connections:us-east-1:${ACCOUNT}:connection/12345678-1234-1234-1234-123456789012`;

/** The same plan as Rust's Plan::reference(). */
export function referencePlan(): Plan {
  return {
    version: 1,
    region: null,
    pipeline: {
      name: "cruddur-backend-fargate",
      role: { mode: "create", name: null },
      artifactBucket: null,
      artifactBucketSuffix: "k3v9q2xa",
      pipelineType: "V2",
      executionMode: "SUPERSEDED",
    },
    source: {
      connection: { mode: "create", name: "Cruddur" },
      repository: "example/aws-bootcamp-cruddur-2023",
      branch: "prod",
      detectChanges: true,
      outputFormat: "CODE_ZIP",
    },
    build: {
      project: "cruddur-backend-flask-bake-image",
      create: true,
      description: "Bake the backend-flask image and push it to ECR",
      badge: true,
      concurrentBuildLimit: null,
      webhook: { event: "PULL_REQUEST_MERGED", baseBranch: "prod" },
      image: "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
      computeType: "BUILD_GENERAL1_SMALL",
      privileged: true,
      role: { mode: "create", name: null },
      timeoutMinutes: 20,
      buildspecPath: "backend-flask/buildspec.yml",
      environmentVariables: [],
      actionName: "bake",
      outputArtifact: "ImageDefinition",
    },
    ecr: { repository: "backend-flask", policyName: "ECRPushImage", policyDocument: null },
    buildspec: {
      serviceDir: "backend-flask",
      dockerfile: "Dockerfile.prod",
      containerName: "backend-flask",
      imageTag: "latest",
    },
    deploy: { kind: "ecs", cluster: "cruddur", service: "backend-flask", fileName: "imagedefinitions.json" },
  };
}

export function connection(overrides: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    arn: CONNECTION_ARN,
    name: "Cruddur",
    status: "AVAILABLE",
    provider: "GitHub",
    consoleUrl: "https://us-east-1.console.aws.amazon.com/codesuite/settings/connections",
    ...overrides,
  };
}

export const GENERATED_POLICY = JSON.stringify(
  {
    Version: "2012-10-17",
    Statement: [
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "EcrPushToRepository",
        Effect: "Allow",
        Action: ["ecr:PutImage"],
        Resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/backend-flask`,
      },
    ],
  },
  null,
  2,
);

export const BUILDSPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - docker build .\n";

export const STEP_TITLES: [StepId, string][] = [
  ["connection", "GitHub connection"],
  ["artifact_bucket", "Artifact bucket"],
  ["codebuild_role", "CodeBuild service role"],
  ["ecr_policy", "ECR push policy"],
  ["codebuild_project", "CodeBuild project"],
  ["webhook", "CodeBuild webhook"],
  ["pipeline_role", "CodePipeline service role"],
  ["pipeline", "Pipeline"],
  ["notifications", "Notification rule"],
];

export function review(overrides: Partial<Review> = {}): Review {
  return {
    account: ACCOUNT,
    region: "us-east-1",
    steps: STEP_TITLES.map(([id, title]) => ({
      id,
      title,
      resource: id === "connection" ? CONNECTION_ARN : `${id}-name`,
      action: id === "connection" ? "reuse" : "create",
      dependsOn: [],
      request: `{\n  "step": "${id}"\n}`,
    })),
    findings: [],
    cost: {
      lines: [{ item: "CodeBuild small, Linux", quantity: 100, unit: "build minutes", unitPriceUsd: 0.005, monthlyUsd: 0.5 }],
      totalMonthlyUsd: 0.5,
      pricesAsOf: "2025-01-01",
      assumptions: ["20 builds a month of 5 minutes"],
    },
    buildspec: BUILDSPEC,
    ecrPolicy: GENERATED_POLICY,
    ...overrides,
  };
}

export function receipt(overrides: Partial<Receipt> = {}): Receipt {
  return {
    id: "r-1",
    pipeline: "cruddur-backend-fargate",
    account: ACCOUNT,
    region: "us-east-1",
    endpointUrl: null,
    createdAt: "2025-01-01T10:00:00Z",
    status: "succeeded",
    error: null,
    resources: STEP_TITLES.map(([step]) => ({
      step,
      name: `${step}-name`,
      arn: `arn:aws:test:::${step}`,
      outcome: "created",
      consoleUrl: `https://console.aws.amazon.com/${step}`,
      changes: [],
    })),
    updatedAt: "2025-01-01T10:00:05Z",
    plan: null,
    unsaved: false,
    ...overrides,
  };
}

export function event(step: StepId, status: ApplyEvent["status"], overrides: Partial<ApplyEvent> = {}): ApplyEvent {
  return { step, status, message: `${step} ${status}`, arn: null, consoleUrl: null, error: null, ...overrides };
}

type TauriInternals = { runCallback: (id: number, data: unknown) => void };

const nextIndex = new Map<number, number>();

/** Send events to a Channel passed to a mocked command, as Rust would (in order, with indexes). */
export function emit(channel: unknown, ...events: ApplyEvent[]) {
  const id = (channel as { id: number }).id;
  const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
  act(() => {
    for (const message of events) {
      const index = nextIndex.get(id) ?? 0;
      nextIndex.set(id, index + 1);
      internals.runCallback(id, { index, message });
    }
  });
}

/** A promise the test settles by hand (for long-running commands such as apply_start). */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The mocked Rust side with every wizard command answering like the reference account. */
export function mockWizardBackend(handlers: Record<string, Handler> = {}) {
  return mockBackend({
    profiles: [profile({ name: "prod", region: "us-east-1", lastAccountId: ACCOUNT })],
    session: SESSION,
    handlers: {
      plan_reference: () => referencePlan(),
      plan_validate: () => [],
      connections_list: () => [connection()],
      connection_get: () => connection(),
      ecr_repositories: () => [
        {
          name: "backend-flask",
          arn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/backend-flask`,
          uri: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/backend-flask`,
        },
      ],
      ecs_clusters: () => ["cruddur"],
      ecs_services: () => ["backend-flask"],
      ecs_containers: () => ["backend-flask"],
      codebuild_projects: () => ["cruddur-backend-flask-bake-image"],
      ecr_policy_generate: () => GENERATED_POLICY,
      buildspec_generate: () => BUILDSPEC,
      plan_review: () => review(),
      receipts_list: () => [],
      receipts_unfinished: () => [],
      open_external: () => null,
      ...handlers,
    },
  });
}

/** Wait until the wizard shows step `n` (1-based). */
export async function onStep(n: number) {
  const step = STEPS[n - 1];
  await waitFor(() => expect(screen.getByTestId(`wizard-step-${n}`)).toHaveAttribute("aria-current", "step"));
  // A form step's card is headed by its number and title.
  if (step?.section) expect(await screen.findByRole("heading", { level: 2, name: `${n}. ${step.title}` })).toBeInTheDocument();
}

/** Click Next and wait for step `n`. */
export async function next(user: UserEvent, n: number) {
  await user.click(screen.getByTestId("wizard-next"));
  await onStep(n);
}

/** From a fresh wizard with an existing AVAILABLE connection, go to step `n` with the defaults. */
export async function goToStep(user: UserEvent, n: number) {
  await onStep(1);
  if (n === 1) return;
  await next(user, 2);
  if (n === 2) return;
  await user.click(screen.getByTestId("connection-mode-existing"));
  await user.click(await screen.findByTestId("connection-option-Cruddur"));
  for (let step = 3; step <= n; step += 1) await next(user, step);
}
