import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import type { ComputeType } from "../../bindings/ComputeType";
import type { WebhookEvent } from "../../bindings/WebhookEvent";
import { useCodebuildProjects } from "../../lib/wizard/queries";
import { applyBuild, buildSchema, buildValues, type BuildValues } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { FieldWarning } from "../Field";
import { EnvVarsEditor } from "./EnvVarsEditor";
import { Checkbox, ChoiceCards, Field } from "./fields";
import { ResourcePicker } from "./ResourcePicker";
import { RolePicker } from "./RolePicker";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";

const COMPUTE_TYPES: { value: ComputeType; label: string }[] = [
  { value: "BUILD_GENERAL1_SMALL", label: "Small — 3 GB memory, 2 vCPUs" },
  { value: "BUILD_GENERAL1_MEDIUM", label: "Medium — 7 GB memory, 4 vCPUs" },
  { value: "BUILD_GENERAL1_LARGE", label: "Large — 15 GB memory, 8 vCPUs" },
  { value: "BUILD_GENERAL1_XLARGE", label: "X-Large — 70 GB memory, 36 vCPUs" },
  { value: "BUILD_GENERAL1_2XLARGE", label: "2X-Large — 145 GB memory, 72 vCPUs" },
];

const WEBHOOK_EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: "PULL_REQUEST_MERGED", label: "Pull request merged" },
  { value: "PUSH", label: "Push" },
  { value: "PULL_REQUEST_CREATED", label: "Pull request created" },
  { value: "PULL_REQUEST_UPDATED", label: "Pull request updated" },
];

const IMAGES = [
  { value: "aws/codebuild/amazonlinux2-x86_64-standard:5.0", label: "Amazon Linux 2 standard 5.0 (default)" },
  { value: "aws/codebuild/amazonlinux-x86_64-standard:5.0", label: "Amazon Linux 2023 standard 5.0" },
  { value: "aws/codebuild/standard:7.0", label: "Ubuntu standard 7.0" },
];

const text = { type: "text", autoComplete: "off", spellCheck: false } as const;

export function BuildStep({ plan, session }: StepProps) {
  const form = useForm<BuildValues, unknown, z.output<typeof buildSchema>>({
    resolver: zodResolver(buildSchema),
    defaultValues: buildValues(plan),
  });
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const [projectMode, project, limitEnabled, webhookEnabled, baseBranch, privileged, roleMode] = useWatch({
    control,
    name: ["projectMode", "project", "limitEnabled", "webhookEnabled", "webhookBaseBranch", "privileged", "roleMode"],
  });
  const creating = projectMode === "create";
  const projects = useCodebuildProjects(session, !creating);
  const sourceBranch = plan.source.branch;
  const defaultRole = `codebuild-${project.trim()}-service-role`;

  return (
    <StepForm
      form={form}
      apply={applyBuild}
      intro="The CodeBuild project that builds the Docker image and pushes it to ECR."
    >
      <ChoiceCards
        legend="Build project"
        registration={register("projectMode")}
        choices={[
          {
            value: "create",
            title: "New CodeBuild project",
            description: "Pipewright creates it with the settings below.",
            testId: "build-mode-create",
          },
          {
            value: "existing",
            title: "Existing project",
            description: "Use a project you already have, as it is.",
            testId: "build-mode-existing",
          },
        ]}
      />

      <div className="form-grid">
        <Field
          path="build.project"
          label="Project name"
          error={errors.project?.message}
          hint={creating ? "2–255 letters, digits, '_' or '-'." : "Pipewright won’t change this project."}
        >
          {(c) =>
            creating ? (
              <input {...text} {...c} {...register("project")} />
            ) : (
              <ResourcePicker
                control={c}
                registration={register("project")}
                query={projects}
                options={projects.data?.map((p) => ({ value: p, label: p }))}
                value={project}
                placeholder="Choose a project"
                missingLabel="not found in this account"
                noun="CodeBuild projects"
              />
            )
          }
        </Field>
        {creating && (
          <Field path="build.description" label="Description" optional>
            {(c) => <input {...text} {...c} {...register("description")} />}
          </Field>
        )}
      </div>

      {creating && (
        <>
          <div className="checkbox-row">
            <Checkbox
              label="Build badge"
              description="A public image URL that shows the latest build’s status, for your README."
              registration={register("badge")}
              testId="plan-build-badge"
            />
            <Checkbox
              label="Limit concurrent builds"
              description="Off: as many builds at once as the account allows."
              registration={register("limitEnabled")}
              testId="plan-build-limitEnabled"
            />
          </div>
          {limitEnabled && (
            <Field
              path="build.concurrentBuildLimit"
              label="Concurrent build limit"
              error={errors.concurrentBuildLimit?.message}
              className="field-narrow"
            >
              {(c) => (
                <input type="number" min={1} step={1} {...c} {...register("concurrentBuildLimit", { valueAsNumber: true })} />
              )}
            </Field>
          )}

          <fieldset className="choice-group">
            <legend className="choice-legend">Webhook</legend>
            <Checkbox
              label="Rebuild on GitHub events"
              description="A CodeBuild webhook builds the image when the event happens, outside the pipeline."
              registration={register("webhookEnabled")}
              testId="plan-build-webhook-enabled"
            />
            {webhookEnabled && (
              <div className="form-grid">
                <Field path="build.webhook.event" label="Event">
                  {(c) => (
                    <select {...c} {...register("webhookEvent")}>
                      {WEBHOOK_EVENTS.map((e) => (
                        <option key={e.value} value={e.value}>
                          {e.label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field
                  path="build.webhook.baseBranch"
                  label="Base branch"
                  error={errors.webhookBaseBranch?.message}
                  hint="The branch pull requests are merged into."
                  warning={
                    baseBranch.trim() !== "" && baseBranch.trim() !== sourceBranch
                      ? `The pipeline releases “${sourceBranch}”, but this webhook fires for “${baseBranch.trim()}”.`
                      : undefined
                  }
                >
                  {(c) => <input {...text} className="mono" {...c} {...register("webhookBaseBranch")} />}
                </Field>
              </div>
            )}
          </fieldset>

          <fieldset className="choice-group">
            <legend className="choice-legend">Environment</legend>
            <div className="form-grid">
              <Field path="build.image" label="Image" error={errors.image?.message} hint="A CodeBuild managed image, or your own.">
                {(c) => (
                  <>
                    <input {...text} className="mono" list="wizard-build-images" {...c} {...register("image")} />
                    <datalist id="wizard-build-images">
                      {IMAGES.map((i) => (
                        <option key={i.value} value={i.value}>
                          {i.label}
                        </option>
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <Field path="build.computeType" label="Compute">
                {(c) => (
                  <select {...c} {...register("computeType")}>
                    {COMPUTE_TYPES.map((t) => (
                      <option key={t.value} value={t.value}>
                        {t.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Checkbox
              label="Privileged mode"
              description="Runs the Docker daemon inside the build; building and pushing Docker images needs it."
              registration={register("privileged")}
              testId="plan-build-privileged"
            />
            {!privileged && (
              <FieldWarning testId="field-warning-build-privileged">
                Without privileged mode “docker build” fails: the generated buildspec builds a Docker image.
              </FieldWarning>
            )}
          </fieldset>

          <RolePicker
            section="build"
            mode={roleMode}
            defaultName={defaultRole}
            createDescription="With logs, artifacts and the ECR push policy of the next step."
            existingDescription="Pipewright adds the ECR push policy to it."
            registration={{ mode: register("roleMode"), name: register("roleName"), arn: register("roleArn") }}
            arnError={errors.roleArn?.message}
          />

          <div className="form-grid">
            <Field
              path="build.timeoutMinutes"
              label="Timeout (minutes)"
              error={errors.timeoutMinutes?.message}
              hint="5 to 2160 minutes."
            >
              {(c) => <input type="number" min={5} max={2160} step={1} {...c} {...register("timeoutMinutes", { valueAsNumber: true })} />}
            </Field>
            <Field
              path="build.buildspecPath"
              label="Buildspec path"
              error={errors.buildspecPath?.message}
              hint="Where the buildspec.yml of step 5 lives in the repository."
            >
              {(c) => <input {...text} className="mono" {...c} {...register("buildspecPath")} />}
            </Field>
          </div>

          <EnvVarsEditor form={form} />
        </>
      )}

      <fieldset className="choice-group">
        <legend className="choice-legend">Pipeline build action</legend>
        <div className="form-grid">
          <Field path="build.actionName" label="Action name" error={errors.actionName?.message}>
            {(c) => <input {...text} {...c} {...register("actionName")} />}
          </Field>
          <Field
            path="build.outputArtifact"
            label="Output artifact"
            error={errors.outputArtifact?.message}
            hint="Carries imagedefinitions.json to the deploy stage."
          >
            {(c) => <input {...text} {...c} {...register("outputArtifact")} />}
          </Field>
        </div>
      </fieldset>
    </StepForm>
  );
}
