import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ReactElement } from "react";
import type { Plan } from "../../bindings/Plan";
import { createQueryClient } from "../../lib/queries";
import { timing } from "../../lib/wizard/timing";
import { NewPipelinePage } from "../../pages/NewPipelinePage";
import { mockBackend, renderWithProviders } from "../../test/backend";
import { AppProviders } from "../AppProviders";
import { BUILDSPEC, CONNECTION_ARN, GENERATED_POLICY, goToStep, mockWizardBackend, next, onStep, referencePlan, SESSION } from "../../test/wizard";

const saved = { ...timing };
beforeEach(() => Object.assign(timing, { connectionPollMs: 30, autoAdvanceMs: 10, debounceMs: 10 }));
afterEach(() => Object.assign(timing, saved));

function lastPlan(backend: ReturnType<typeof mockWizardBackend>, cmd = "plan_validate"): Plan {
  const calls = backend.callsTo(cmd);
  return calls[calls.length - 1]?.args.plan as Plan;
}

describe("wizard steps", () => {
  it("starts from the reference plan with the console's defaults", async () => {
    mockWizardBackend();
    renderWithProviders(<NewPipelinePage />);
    await onStep(1);
    expect(screen.getByTestId("plan-pipeline-name")).toHaveValue("cruddur-backend-fargate");
    expect(screen.getByTestId("pipeline-role-mode-create")).toBeChecked();
    // The default names are spelled out.
    expect(screen.getByText("AWSCodePipelineServiceRole-us-east-1-cruddur-backend-fargate")).toBeInTheDocument();
    expect(screen.getByText("codepipeline-us-east-1-123456789012")).toBeInTheDocument();
    expect(screen.getByTestId("plan-pipeline-pipelineType-V2")).toBeChecked();
    expect(screen.getByTestId("plan-pipeline-executionMode-SUPERSEDED")).toBeChecked();
    expect(screen.getByTestId("wizard-back")).toBeDisabled();
    // Later steps can't be clicked yet.
    expect(screen.getByTestId("wizard-step-3")).toBeDisabled();
  });

  it("shows a zod error next to its field and stays on the step", async () => {
    mockWizardBackend();
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await onStep(1);
    await user.clear(screen.getByTestId("plan-pipeline-name"));
    await user.click(screen.getByTestId("pipeline-role-mode-existing"));
    await user.click(screen.getByTestId("wizard-next"));

    expect(await screen.findByTestId("field-error-pipeline-name")).toHaveTextContent("Enter a pipeline name.");
    expect(screen.getByTestId("field-error-pipeline-role-arn")).toHaveTextContent("Enter the ARN of the existing role.");
    expect(screen.getByTestId("plan-pipeline-name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("wizard-step-1")).toHaveAttribute("aria-current", "step");
  });

  it("maps a plan_validate issue onto its field, live and on Next", async () => {
    const rule = "must be 1–100 characters: letters, digits, '.', '@', '_' or '-' (CodePipeline rule)";
    mockWizardBackend({
      plan_validate: ({ plan }) => ((plan as Plan).pipeline.name.includes(" ") ? [{ path: "pipeline.name", message: rule }] : []),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await onStep(1);
    await user.clear(screen.getByTestId("plan-pipeline-name"));
    await user.type(screen.getByTestId("plan-pipeline-name"), "has space");

    // Live, debounced.
    expect(await screen.findByTestId("field-error-pipeline-name")).toHaveTextContent(rule);
    // Next is blocked by it.
    await user.click(screen.getByTestId("wizard-next"));
    expect(await screen.findByTestId("wizard-issues")).toHaveTextContent("pipeline.name");
    expect(screen.getByTestId("wizard-step-1")).toHaveAttribute("aria-current", "step");

    await user.clear(screen.getByTestId("plan-pipeline-name"));
    await user.type(screen.getByTestId("plan-pipeline-name"), "no-space");
    await waitFor(() => expect(screen.queryByTestId("field-error-pipeline-name")).not.toBeInTheDocument());
    await next(user, 2);
  });

  it("validates the build step: timeout range (zod) and an environment variable issue (Rust)", async () => {
    mockWizardBackend({
      plan_validate: ({ plan }) =>
        (plan as Plan).build.environmentVariables.some((e) => e.name.startsWith("CODEBUILD_"))
          ? [{ path: "build.environmentVariables.0.name", message: "names starting with CODEBUILD_ are reserved by CodeBuild" }]
          : [],
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 3);

    const timeout = screen.getByTestId("plan-build-timeoutMinutes");
    await user.clear(timeout);
    await user.type(timeout, "3");
    await user.click(screen.getByTestId("env-add"));
    await user.type(screen.getByTestId("plan-build-environmentVariables-0-name"), "CODEBUILD_X");
    await user.click(screen.getByTestId("wizard-next"));

    expect(await screen.findByTestId("field-error-build-timeoutMinutes")).toHaveTextContent("Use 5 to 2160 minutes");
    expect(await screen.findByTestId("field-error-build-environmentVariables-0-name")).toHaveTextContent(
      "reserved by CodeBuild",
    );
    await user.clear(timeout);
    await user.type(timeout, "30");
    await user.click(screen.getByTestId("env-remove-0"));
    await next(user, 4);
  });

  it("warns when privileged mode is off or the webhook branch differs from the pipeline's", async () => {
    mockWizardBackend();
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 3);
    expect(screen.getByTestId("plan-build-webhook-baseBranch")).toHaveValue("prod");
    expect(screen.queryByTestId("field-warning-build-webhook-baseBranch")).not.toBeInTheDocument();
    await user.clear(screen.getByTestId("plan-build-webhook-baseBranch"));
    await user.type(screen.getByTestId("plan-build-webhook-baseBranch"), "main");
    expect(screen.getByTestId("field-warning-build-webhook-baseBranch")).toHaveTextContent("releases “prod”");
    await user.click(screen.getByTestId("plan-build-privileged"));
    expect(screen.getByTestId("field-warning-build-privileged")).toHaveTextContent("docker build");
  });

  it("keeps edits when going back, and the stepper jumps to completed steps", async () => {
    const backend = mockWizardBackend();
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await onStep(1);
    await user.clear(screen.getByTestId("plan-pipeline-name"));
    await user.type(screen.getByTestId("plan-pipeline-name"), "my-pipeline");
    await goToStep(user, 3);
    await user.clear(screen.getByTestId("plan-build-project"));
    await user.type(screen.getByTestId("plan-build-project"), "my-project");

    await user.click(screen.getByTestId("wizard-back"));
    await onStep(2);
    expect(screen.getByTestId("connection-option-Cruddur")).toBeChecked();
    await user.click(screen.getByTestId("wizard-step-1"));
    await onStep(1);
    expect(screen.getByTestId("plan-pipeline-name")).toHaveValue("my-pipeline");
    // Forward through the stepper validates the current step first.
    await user.click(screen.getByTestId("wizard-step-3"));
    await onStep(3);
    expect(screen.getByTestId("plan-build-project")).toHaveValue("my-project");
    await waitFor(() => expect(lastPlan(backend).build.project).toBe("my-project"));
    expect(lastPlan(backend).pipeline.name).toBe("my-pipeline");
    expect(lastPlan(backend).source.connection).toEqual({ mode: "existing", arn: CONNECTION_ARN });
  });

  it("uses an existing CodeBuild project from the list (create = false)", async () => {
    const backend = mockWizardBackend({ codebuild_projects: () => ["legacy-build", "cruddur-backend-flask-bake-image"] });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 3);
    await user.click(screen.getByTestId("build-mode-existing"));
    const picker = await screen.findByTestId("plan-build-project");
    await waitFor(() => expect(within(picker).getByRole("option", { name: "legacy-build" })).toBeInTheDocument());
    await user.selectOptions(picker, "legacy-build");
    expect(screen.queryByTestId("plan-build-timeoutMinutes")).not.toBeInTheDocument();
    await next(user, 4);
    expect(lastPlan(backend).build).toMatchObject({ project: "legacy-build", create: false });
  });

  it("edits the ECR policy, shows its issue live, and resets it to the generated one", async () => {
    const backend = mockWizardBackend({
      plan_validate: ({ plan }) => {
        const doc = (plan as Plan).ecr.policyDocument;
        return doc && !doc.includes('"Resource": "*"')
          ? [{ path: "ecr.policyDocument", message: "ecr:GetAuthorizationToken must be allowed on \"Resource\": \"*\"" }]
          : [];
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 4);
    const editor = screen.getByTestId("plan-ecr-policyDocument");
    await waitFor(() => expect(editor).toHaveValue(GENERATED_POLICY));
    expect(screen.getByTestId("ecr-repository-uri")).toHaveTextContent("123456789012.dkr.ecr.us-east-1.amazonaws.com/backend-flask");
    expect(screen.getByTestId("ecr-policy-state")).toHaveTextContent("Generated");
    expect(screen.getByTestId("ecr-policy-reset")).toBeDisabled();
    expect(screen.getByText(/no resource-level permissions/)).toBeInTheDocument();

    const edited = GENERATED_POLICY.replace('"Resource": "*"', '"Resource": "arn:aws:ecr:us-east-1:123456789012:repository/backend-flask"');
    await user.clear(editor);
    await user.click(editor);
    await user.paste(edited);
    expect(await screen.findByTestId("field-error-ecr-policyDocument")).toHaveTextContent("GetAuthorizationToken");
    expect(screen.getByTestId("ecr-policy-state")).toHaveTextContent("Edited");
    await waitFor(() => expect(lastPlan(backend).ecr.policyDocument).toBe(edited));

    await user.click(screen.getByTestId("ecr-policy-reset"));
    expect(editor).toHaveValue(GENERATED_POLICY);
    await waitFor(() => expect(screen.queryByTestId("field-error-ecr-policyDocument")).not.toBeInTheDocument());
    await next(user, 5);
    expect(lastPlan(backend).ecr.policyDocument).toBeNull();
  });

  it("shows the generated buildspec, saves it through the dialog, and warns on an unknown container", async () => {
    const backend = mockWizardBackend({
      text_save: () => "/home/me/buildspec.yml",
      ecs_containers: () => ["api", "sidecar"],
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 5);
    await waitFor(() => expect(screen.getByTestId("buildspec-yaml")).toHaveTextContent("docker build"));
    expect(await screen.findByTestId("field-warning-buildspec-containerName")).toHaveTextContent("api, sidecar");
    expect(backend.callsTo("ecs_containers")[0]?.args).toEqual({ session: SESSION, cluster: "cruddur", service: "backend-flask" });

    await user.click(screen.getByTestId("buildspec-save"));
    await waitFor(() => expect(backend.callsTo("text_save")).toHaveLength(1));
    // Rust opens the dialog: the page names no path, only the kind and a suggested file name.
    expect(backend.callsTo("text_save")[0]?.args).toEqual({ kind: "buildspec", contents: BUILDSPEC, fileName: "buildspec.yml" });
    expect(await screen.findByTestId("toast")).toHaveTextContent("buildspec.yml saved");

    await user.clear(screen.getByTestId("plan-buildspec-containerName"));
    await user.type(screen.getByTestId("plan-buildspec-containerName"), "api");
    expect(screen.queryByTestId("field-warning-buildspec-containerName")).not.toBeInTheDocument();
  });

  it("picks the ECS cluster, then a service of that cluster, or no deploy stage", async () => {
    const backend = mockWizardBackend({
      ecs_clusters: () => ["cruddur", "staging"],
      ecs_services: ({ cluster }) => (cluster === "staging" ? ["web"] : ["backend-flask"]),
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 6);
    const cluster = screen.getByTestId("plan-deploy-cluster");
    await waitFor(() => expect(within(cluster).getByRole("option", { name: "staging" })).toBeInTheDocument());
    // The plan's values stay selected once the lists load (not the placeholder).
    expect(cluster).toHaveValue("cruddur");
    await waitFor(() => expect(within(screen.getByTestId("plan-deploy-service")).getAllByRole("option")).toHaveLength(2));
    expect(screen.getByTestId("plan-deploy-service")).toHaveValue("backend-flask");
    await user.selectOptions(cluster, "staging");
    const service = screen.getByTestId("plan-deploy-service");
    await waitFor(() => expect(within(service).getByRole("option", { name: "web" })).toBeInTheDocument());
    await user.click(screen.getByTestId("wizard-next"));
    expect(await screen.findByTestId("field-error-deploy-service")).toHaveTextContent("Choose the ECS service.");
    await user.selectOptions(service, "web");
    await next(user, 7);
    expect(lastPlan(backend).deploy).toEqual({ kind: "ecs", cluster: "staging", service: "web", fileName: "imagedefinitions.json" });

    await user.click(screen.getByTestId("wizard-step-6"));
    await onStep(6);
    await user.click(screen.getByTestId("deploy-kind-none"));
    expect(screen.queryByTestId("plan-deploy-cluster")).not.toBeInTheDocument();
    await next(user, 7);
    expect(lastPlan(backend).deploy).toEqual({ kind: "none" });
  });

  it("adds a manual approval before Deploy, with Rust's rule for the topic next to its field", async () => {
    const rule = "must be a standard SNS topic ARN: arn:aws:sns:<region>:<account>:<name> (letters, digits, '-', '_'; no FIFO topic)";
    const backend = mockWizardBackend({
      ecs_clusters: () => ["cruddur"],
      ecs_services: () => ["backend-flask"],
      plan_validate: ({ plan }) =>
        (plan as Plan).pipeline.approval?.snsTopicArn?.endsWith(".fifo") ? [{ path: "pipeline.approval.snsTopicArn", message: rule }] : [],
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 6);
    expect(screen.queryByTestId("plan-pipeline-approval-snsTopicArn")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("plan-pipeline-approval"));
    await user.type(screen.getByTestId("plan-pipeline-approval-snsTopicArn"), "arn:aws:sns:us-east-1:123456789012:ok.fifo");
    expect(await screen.findByTestId("field-error-pipeline-approval-snsTopicArn")).toHaveTextContent("no FIFO topic");
    await user.clear(screen.getByTestId("plan-pipeline-approval-snsTopicArn"));
    await user.type(screen.getByTestId("plan-pipeline-approval-snsTopicArn"), "arn:aws:sns:us-east-1:123456789012:approvals");
    await user.type(screen.getByTestId("plan-pipeline-approval-reviewUrl"), "https://staging.example.com");
    await next(user, 7);
    expect(lastPlan(backend).pipeline.approval).toEqual({
      snsTopicArn: "arn:aws:sns:us-east-1:123456789012:approvals",
      reviewUrl: "https://staging.example.com",
      comments: null,
    });
    // No deploy stage: no approval either.
    await user.click(screen.getByTestId("wizard-step-6"));
    await onStep(6);
    await user.click(screen.getByTestId("deploy-kind-none"));
    await next(user, 7);
    expect(lastPlan(backend).pipeline.approval).toBeNull();
  });

  it("adds a notification rule to an SNS topic, with Rust's rule for its events", async () => {
    const backend = mockWizardBackend({
      ecs_clusters: () => ["cruddur"],
      ecs_services: () => ["backend-flask"],
      plan_validate: ({ plan }) => {
        const p = plan as Plan;
        return p.pipeline.notifications?.events.includes("approval_needed") && !p.pipeline.approval
          ? [{ path: "pipeline.notifications.events", message: '"approval needed" needs the approval stage' }]
          : [];
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<NewPipelinePage />);
    await goToStep(user, 6);
    expect(screen.queryByTestId("plan-pipeline-notifications-snsTopicArn")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("plan-pipeline-notifications"));
    await user.type(screen.getByTestId("plan-pipeline-notifications-snsTopicArn"), "arn:aws:sns:us-east-1:123456789012:team");
    // Failed and succeeded are on by default; "approval needed" without an approval is Rust's error.
    expect(screen.getByTestId("plan-notification-event-execution_failed")).toBeChecked();
    await user.click(screen.getByTestId("plan-notification-event-approval_needed"));
    expect(await screen.findByTestId("field-error-pipeline-notifications-events")).toHaveTextContent("needs the approval stage");
    await user.click(screen.getByTestId("plan-pipeline-approval"));
    await waitFor(() => expect(screen.queryByTestId("field-error-pipeline-notifications-events")).not.toBeInTheDocument());
    await user.click(screen.getByTestId("plan-notification-event-execution_succeeded"));
    await user.selectOptions(screen.getByTestId("plan-pipeline-notifications-detail"), "BASIC");
    await next(user, 7);
    expect(lastPlan(backend).pipeline.notifications).toEqual({
      snsTopicArn: "arn:aws:sns:us-east-1:123456789012:team",
      events: ["execution_failed", "approval_needed"],
      detail: "BASIC",
      ruleName: null,
    });
    // The pipeline step keeps what the deploy step set (and the bucket suffix).
    await user.click(screen.getByTestId("wizard-step-1"));
    await onStep(1);
    await next(user, 2);
    expect(lastPlan(backend).pipeline.notifications?.detail).toBe("BASIC");
    expect(lastPlan(backend).pipeline.artifactBucketSuffix).toBe(referencePlan().pipeline.artifactBucketSuffix);
  });

  it("asks for a profile first", async () => {
    mockBackend();
    renderWithProviders(<NewPipelinePage />);
    const empty = await screen.findByTestId("new-pipeline-empty");
    await waitFor(() => expect(empty).toHaveTextContent("add a profile"));
  });

  it("keeps the plan and the step when the user visits another page and comes back", async () => {
    const backend = mockWizardBackend({ plan_reference: () => ({ ...referencePlan() }) });
    const user = userEvent.setup();
    const client = createQueryClient();
    const page = (content: ReactElement) => <AppProviders client={client}>{content}</AppProviders>;
    const { rerender } = render(page(<NewPipelinePage />));
    await onStep(1);
    await user.clear(screen.getByTestId("plan-pipeline-name"));
    await user.type(screen.getByTestId("plan-pipeline-name"), "kept");
    await next(user, 2);

    rerender(page(<p>Profiles</p>));
    expect(screen.queryByTestId("wizard")).not.toBeInTheDocument();
    rerender(page(<NewPipelinePage />));
    await onStep(2);
    await user.click(screen.getByTestId("wizard-step-1"));
    expect(await screen.findByTestId("plan-pipeline-name")).toHaveValue("kept");
    expect(backend.callsTo("plan_reference")).toHaveLength(1);
  });
});
