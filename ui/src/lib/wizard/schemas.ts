/**
 * One zod schema per wizard step (basic shape only: required fields, numbers), and the two-way
 * mapping between a step's form values and its section of the Plan. The AWS rules themselves are
 * checked by Rust (plan_validate) and shown next to the same fields.
 */
import type { BuildSettings } from "../../bindings/BuildSettings";
import type { ComputeType } from "../../bindings/ComputeType";
import type { ExecutionMode } from "../../bindings/ExecutionMode";
import type { NotificationEvent } from "../../bindings/NotificationEvent";
import type { PipelineType } from "../../bindings/PipelineType";
import type { Plan } from "../../bindings/Plan";
import type { RoleChoice } from "../../bindings/RoleChoice";
import type { SourceOutputFormat } from "../../bindings/SourceOutputFormat";
import type { WebhookEvent } from "../../bindings/WebhookEvent";
import { z } from "../zod";
import type { ConnectionMode } from "./store";

/** The events a notification rule can tell, in the order the wizard offers them. */
export const NOTIFICATION_EVENTS = [
  "execution_failed",
  "execution_succeeded",
  "approval_needed",
  "execution_started",
  "execution_canceled",
] as const satisfies readonly NotificationEvent[];

const required = (message: string) => z.string().trim().min(1, message);

/**
 * A whole number from an `<input type=number>` (NaN when empty). NaN is accepted by the type so that
 * the other fields' checks still run; the refinement reports it.
 */
const wholeNumber = (empty: string, min: number, max: number, range: string) =>
  z.union([z.number(), z.nan()]).superRefine((n, ctx) => {
    if (Number.isNaN(n)) ctx.addIssue({ code: "custom", message: empty });
    else if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: "Use a whole number." });
    else if (n < min || n > max) ctx.addIssue({ code: "custom", message: range });
  });

/** NaN, negatives and fractions become something the u32 on the Rust side accepts (and validates). */
function toU32(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : 0;
}

type RoleValues = { roleMode: "create" | "existing"; roleName: string; roleArn: string };

function roleValues(role: RoleChoice): RoleValues {
  return role.mode === "create"
    ? { roleMode: "create", roleName: role.name ?? "", roleArn: "" }
    : { roleMode: "existing", roleName: "", roleArn: role.arn };
}

function toRole(values: RoleValues): RoleChoice {
  return values.roleMode === "create"
    ? { mode: "create", name: values.roleName.trim() === "" ? null : values.roleName.trim() }
    : { mode: "existing", arn: values.roleArn.trim() };
}

const roleShape = {
  roleMode: z.enum(["create", "existing"]),
  roleName: z.string(),
  roleArn: z.string(),
};

function checkRole(values: RoleValues, ctx: z.RefinementCtx) {
  if (values.roleMode === "existing" && values.roleArn.trim() === "") {
    ctx.addIssue({ code: "custom", path: ["roleArn"], message: "Enter the ARN of the existing role." });
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Pipeline settings

export const pipelineSchema = z
  .object({
    name: required("Enter a pipeline name."),
    ...roleShape,
    bucketMode: z.enum(["default", "custom"]),
    artifactBucket: z.string(),
    pipelineType: z.enum(["V2", "V1"]),
    executionMode: z.enum(["SUPERSEDED", "QUEUED", "PARALLEL"]),
  })
  .superRefine((values, ctx) => {
    checkRole(values, ctx);
    if (values.bucketMode === "custom" && values.artifactBucket.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["artifactBucket"], message: "Enter the bucket name, or use the default bucket." });
    }
  });

export type PipelineValues = z.input<typeof pipelineSchema> & {
  pipelineType: PipelineType;
  executionMode: ExecutionMode;
};

export function pipelineValues(plan: Plan): PipelineValues {
  const p = plan.pipeline;
  return {
    name: p.name,
    ...roleValues(p.role),
    bucketMode: p.artifactBucket ? "custom" : "default",
    artifactBucket: p.artifactBucket ?? "",
    pipelineType: p.pipelineType,
    executionMode: p.executionMode,
  };
}

export function applyPipeline(plan: Plan, v: PipelineValues): Plan {
  return {
    ...plan,
    pipeline: {
      // What other steps own (the bucket suffix, the approval, the notification rule) stays.
      ...plan.pipeline,
      name: v.name.trim(),
      role: toRole(v),
      artifactBucket: v.bucketMode === "custom" && v.artifactBucket.trim() !== "" ? v.artifactBucket.trim() : null,
      pipelineType: v.pipelineType,
      executionMode: v.executionMode,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Source

export const sourceSchema = z
  .object({
    connectionMode: z.enum(["existing", "create", "deferred"]),
    connectionArn: z.string(),
    connectionName: z.string(),
    repository: required("Enter the GitHub repository as owner/name."),
    branch: required("Enter the branch to release from."),
    detectChanges: z.boolean(),
    outputFormat: z.enum(["CODE_ZIP", "CODEBUILD_CLONE_REF"]),
  })
  .superRefine((v, ctx) => {
    if (v.connectionMode === "existing" && v.connectionArn === "") {
      ctx.addIssue({ code: "custom", path: ["connectionArn"], message: "Choose a connection, or create one." });
    }
    if (v.connectionMode !== "existing" && v.connectionName.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["connectionName"], message: "Enter a name for the connection." });
    }
    if (v.connectionMode === "create") {
      ctx.addIssue({
        code: "custom",
        path: ["connectionName"],
        message: "Create the connection first, or choose “Create it during Create”.",
      });
    }
  });

export type SourceValues = z.input<typeof sourceSchema> & {
  connectionMode: ConnectionMode;
  outputFormat: SourceOutputFormat;
};

export function sourceValues(plan: Plan, mode: ConnectionMode | null): SourceValues {
  const s = plan.source;
  const c = s.connection;
  return {
    connectionMode: mode ?? (c.mode === "existing" ? "existing" : "create"),
    connectionArn: c.mode === "existing" ? c.arn : "",
    connectionName: c.mode === "create" ? c.name : "Cruddur",
    repository: s.repository,
    branch: s.branch,
    detectChanges: s.detectChanges,
    outputFormat: s.outputFormat,
  };
}

export function applySource(plan: Plan, v: SourceValues): Plan {
  const branch = v.branch.trim();
  const connection: Plan["source"]["connection"] =
    v.connectionMode === "existing"
      ? { mode: "existing", arn: v.connectionArn }
      : { mode: "create", name: v.connectionName.trim() };
  // A webhook that followed the pipeline's branch keeps following it.
  const hook = plan.build.webhook;
  const webhook = hook && hook.baseBranch === plan.source.branch ? { ...hook, baseBranch: branch } : hook;
  return {
    ...plan,
    source: {
      connection,
      repository: v.repository.trim(),
      branch,
      detectChanges: v.detectChanges,
      outputFormat: v.outputFormat,
    },
    build: { ...plan.build, webhook },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Build

export const buildSchema = z
  .object({
    projectMode: z.enum(["create", "existing"]),
    project: required("Enter a project name."),
    description: z.string(),
    badge: z.boolean(),
    limitEnabled: z.boolean(),
    concurrentBuildLimit: z.union([z.number(), z.nan()]),
    webhookEnabled: z.boolean(),
    webhookEvent: z.enum(["PUSH", "PULL_REQUEST_CREATED", "PULL_REQUEST_UPDATED", "PULL_REQUEST_MERGED"]),
    webhookBaseBranch: z.string(),
    image: z.string(),
    computeType: z.enum([
      "BUILD_GENERAL1_SMALL",
      "BUILD_GENERAL1_MEDIUM",
      "BUILD_GENERAL1_LARGE",
      "BUILD_GENERAL1_XLARGE",
      "BUILD_GENERAL1_2XLARGE",
    ]),
    privileged: z.boolean(),
    ...roleShape,
    timeoutMinutes: wholeNumber("Enter the timeout in minutes.", 5, 2160, "Use 5 to 2160 minutes (36 hours)."),
    buildspecPath: z.string(),
    environmentVariables: z.array(
      z.object({
        name: required("Enter a name, or remove the row."),
        value: z.string(),
        type: z.enum(["PLAINTEXT", "PARAMETER_STORE", "SECRETS_MANAGER"]),
      }),
    ),
    actionName: required("Enter the build action's name."),
    outputArtifact: required("Enter the output artifact's name."),
  })
  .superRefine((v, ctx) => {
    if (v.projectMode === "existing") return;
    checkRole(v, ctx);
    if (v.image.trim() === "") ctx.addIssue({ code: "custom", path: ["image"], message: "Enter the build image." });
    if (v.buildspecPath.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["buildspecPath"], message: "Enter the buildspec's path in the repository." });
    }
    if (v.limitEnabled && !(Number.isInteger(v.concurrentBuildLimit) && v.concurrentBuildLimit >= 1)) {
      ctx.addIssue({ code: "custom", path: ["concurrentBuildLimit"], message: "Enter a whole number of builds (1 or more)." });
    }
    if (v.webhookEnabled && v.webhookBaseBranch.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["webhookBaseBranch"], message: "Enter the branch the webhook fires for." });
    }
  });

export type BuildValues = z.input<typeof buildSchema> & {
  webhookEvent: WebhookEvent;
  computeType: ComputeType;
};

export function buildValues(plan: Plan): BuildValues {
  const b = plan.build;
  return {
    projectMode: b.create ? "create" : "existing",
    project: b.project,
    description: b.description,
    badge: b.badge,
    limitEnabled: b.concurrentBuildLimit != null,
    concurrentBuildLimit: b.concurrentBuildLimit ?? 1,
    webhookEnabled: b.webhook != null,
    webhookEvent: b.webhook?.event ?? "PULL_REQUEST_MERGED",
    webhookBaseBranch: b.webhook?.baseBranch ?? plan.source.branch,
    image: b.image,
    computeType: b.computeType,
    privileged: b.privileged,
    ...roleValues(b.role),
    timeoutMinutes: b.timeoutMinutes,
    buildspecPath: b.buildspecPath,
    environmentVariables: b.environmentVariables.map((e) => ({ name: e.name, value: e.value, type: e.type ?? "PLAINTEXT" })),
    actionName: b.actionName,
    outputArtifact: b.outputArtifact,
  };
}

export function applyBuild(plan: Plan, v: BuildValues): Plan {
  const build: BuildSettings = {
    project: v.project.trim(),
    create: v.projectMode === "create",
    description: v.description,
    badge: v.badge,
    concurrentBuildLimit: v.limitEnabled ? toU32(v.concurrentBuildLimit) : null,
    webhook: v.webhookEnabled ? { event: v.webhookEvent, baseBranch: v.webhookBaseBranch.trim() } : null,
    image: v.image.trim(),
    computeType: v.computeType,
    privileged: v.privileged,
    role: toRole(v),
    timeoutMinutes: toU32(v.timeoutMinutes),
    buildspecPath: v.buildspecPath.trim(),
    environmentVariables: v.environmentVariables.map((e) => ({
      name: e.name.trim(),
      value: e.value,
      ...(e.type === "PLAINTEXT" ? {} : { type: e.type }),
    })),
    actionName: v.actionName.trim(),
    outputArtifact: v.outputArtifact.trim(),
  };
  return { ...plan, build };
}

// ---------------------------------------------------------------------------------------------
// 4. ECR permissions

export const ecrSchema = z.object({
  repository: required("Choose the ECR repository the build pushes to."),
  policyName: required("Enter the policy's name."),
  /** null = the generated policy. */
  policyDocument: z
    .string()
    .nullable()
    .refine((doc) => doc === null || isJson(doc), "The policy is not valid JSON."),
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export type EcrValues = z.input<typeof ecrSchema>;

export function ecrValues(plan: Plan): EcrValues {
  return {
    repository: plan.ecr.repository,
    policyName: plan.ecr.policyName,
    policyDocument: plan.ecr.policyDocument ?? null,
  };
}

export function applyEcr(plan: Plan, v: EcrValues): Plan {
  return {
    ...plan,
    ecr: { repository: v.repository.trim(), policyName: v.policyName.trim(), policyDocument: v.policyDocument },
  };
}

// ---------------------------------------------------------------------------------------------
// 5. buildspec.yml

export const buildspecSchema = z.object({
  serviceDir: z.string(),
  dockerfile: required("Enter the Dockerfile's path."),
  containerName: required("Enter the container name from the ECS task definition."),
  imageTag: required("Enter the image tag."),
});

export type BuildspecValues = z.input<typeof buildspecSchema>;

export function buildspecValues(plan: Plan): BuildspecValues {
  return { ...plan.buildspec };
}

export function applyBuildspec(plan: Plan, v: BuildspecValues): Plan {
  return {
    ...plan,
    buildspec: {
      serviceDir: v.serviceDir.trim(),
      dockerfile: v.dockerfile.trim(),
      containerName: v.containerName.trim(),
      imageTag: v.imageTag.trim(),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 6. Deploy

export const deploySchema = z
  .object({
    kind: z.enum(["ecs", "none"]),
    cluster: z.string(),
    service: z.string(),
    fileName: z.string(),
    // The manual approval before Deploy (its rules are Rust's: plan_validate).
    approval: z.boolean(),
    snsTopicArn: z.string(),
    reviewUrl: z.string(),
    comments: z.string(),
    // The notification rule to an SNS topic (its rules are Rust's: plan_validate).
    notify: z.boolean(),
    notifyTopicArn: z.string(),
    notifyEvents: z.array(z.enum(NOTIFICATION_EVENTS)),
    notifyDetail: z.enum(["FULL", "BASIC"]),
    notifyRuleName: z.string(),
  })
  .superRefine((v, ctx) => {
    if (v.kind !== "ecs") return;
    if (v.cluster === "") ctx.addIssue({ code: "custom", path: ["cluster"], message: "Choose the ECS cluster." });
    if (v.service === "") ctx.addIssue({ code: "custom", path: ["service"], message: "Choose the ECS service." });
    if (v.fileName.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["fileName"], message: "Enter the image definitions file name." });
    }
  });

export type DeployValues = z.input<typeof deploySchema>;

export const DEFAULT_IMAGE_DEFINITIONS = "imagedefinitions.json";

export function deployValues(plan: Plan): DeployValues {
  const d = plan.deploy;
  const a = plan.pipeline.approval ?? null;
  const n = plan.pipeline.notifications ?? null;
  const approval = {
    approval: a !== null,
    snsTopicArn: a?.snsTopicArn ?? "",
    reviewUrl: a?.reviewUrl ?? "",
    comments: a?.comments ?? "",
    notify: n !== null,
    notifyTopicArn: n?.snsTopicArn ?? "",
    notifyEvents: n?.events ?? ["execution_failed", "execution_succeeded"],
    notifyDetail: n?.detail ?? "FULL",
    notifyRuleName: n?.ruleName ?? "",
  };
  return d.kind === "ecs"
    ? { kind: "ecs", cluster: d.cluster, service: d.service, fileName: d.fileName, ...approval }
    : { kind: "none", cluster: "", service: "", fileName: DEFAULT_IMAGE_DEFINITIONS, ...approval };
}

const orNull = (s: string) => (s.trim() === "" ? null : s.trim());

export function applyDeploy(plan: Plan, v: DeployValues): Plan {
  const ecs = v.kind === "ecs";
  return {
    ...plan,
    pipeline: {
      ...plan.pipeline,
      approval:
        ecs && v.approval
          ? { snsTopicArn: orNull(v.snsTopicArn), reviewUrl: orNull(v.reviewUrl), comments: orNull(v.comments) }
          : null,
      notifications: v.notify
        ? {
            snsTopicArn: v.notifyTopicArn.trim(),
            events: NOTIFICATION_EVENTS.filter((e) => v.notifyEvents.includes(e)),
            detail: v.notifyDetail,
            ruleName: orNull(v.notifyRuleName),
          }
        : null,
    },
    deploy: ecs ? { kind: "ecs", cluster: v.cluster, service: v.service, fileName: v.fileName.trim() } : { kind: "none" },
  };
}
