import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { useAccountId } from "../../lib/wizard/queries";
import { applyPipeline, pipelineSchema, pipelineValues, type PipelineValues } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { ChoiceCards, Field } from "./fields";
import { RolePicker } from "./RolePicker";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";
import { CodeInput } from "../Field";

const EXECUTION_MODES = [
  {
    value: "SUPERSEDED",
    title: "Superseded",
    description: "A newer run replaces an older one still waiting for the same stage (the console’s default).",
    testId: "plan-pipeline-executionMode-SUPERSEDED",
  },
  {
    value: "QUEUED",
    title: "Queued",
    description: "Runs wait in line and go through one at a time, in the order they started (V2 only).",
    testId: "plan-pipeline-executionMode-QUEUED",
  },
  {
    value: "PARALLEL",
    title: "Parallel",
    description: "Every run goes through on its own, at the same time as the others (V2 only).",
    testId: "plan-pipeline-executionMode-PARALLEL",
  },
] as const;

const PIPELINE_TYPES = [
  {
    value: "V2",
    title: "V2",
    description: "Billed per action minute; supports triggers, variables and every execution mode.",
    testId: "plan-pipeline-pipelineType-V2",
  },
  {
    value: "V1",
    title: "V1",
    description: "Billed per active pipeline per month; superseded execution only.",
    testId: "plan-pipeline-pipelineType-V1",
  },
] as const;

export function PipelineStep({ plan, session, region, accountId }: StepProps) {
  const form = useForm<PipelineValues, unknown, z.output<typeof pipelineSchema>>({
    resolver: zodResolver(pipelineSchema),
    defaultValues: pipelineValues(plan),
  });
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const [name, roleMode, bucketMode] = useWatch({ control, name: ["name", "roleMode", "bucketMode"] });
  const account = useAccountId(session, accountId);
  const defaultRole = `AWSCodePipelineServiceRole-${region}-${name.trim()}`.slice(0, 64);
  const defaultBucket = `codepipeline-${region}-${account ?? "<account id>"}`;

  return (
    <StepForm
      form={form}
      apply={applyPipeline}
      intro="Name the pipeline and choose its service role, artifact store and how runs queue up."
    >
      <Field
        path="pipeline.name"
        label="Pipeline name"
        error={errors.name?.message}
        hint="Up to 100 letters, digits, '.', '@', '_' or '-'. It can’t be changed later."
      >
        {(c) => <CodeInput plain {...c} {...register("name")} />}
      </Field>

      <RolePicker
        section="pipeline"
        mode={roleMode}
        defaultName={defaultRole}
        createDescription="Pipewright creates it with only what this pipeline needs."
        existingDescription="Use a role you already have; it needs CodePipeline’s permissions."
        registration={{ mode: register("roleMode"), name: register("roleName"), arn: register("roleArn") }}
        arnError={errors.roleArn?.message}
      />

      <div className="wizard-group">
        <ChoiceCards
          legend="Artifact store"
          registration={register("bucketMode")}
          choices={[
            {
              value: "default",
              title: "Default location",
              description: (
                <>
                  <span className="mono">{defaultBucket}</span>, created if missing
                </>
              ),
              testId: "pipeline-bucket-default",
            },
            {
              value: "custom",
              title: "Custom location",
              description: "An S3 bucket you own in the same region.",
              testId: "pipeline-bucket-custom",
            },
          ]}
        />
        {bucketMode === "custom" && (
          <Field path="pipeline.artifactBucket" label="Bucket name" error={errors.artifactBucket?.message}>
            {(c) => (
              <CodeInput {...c} {...register("artifactBucket")} />
            )}
          </Field>
        )}
      </div>

      <ChoiceCards
        legend="Pipeline type"
        path="pipeline.pipelineType"
        registration={register("pipelineType")}
        choices={PIPELINE_TYPES}
      />
      <ChoiceCards
        legend="Execution mode"
        layout="column"
        path="pipeline.executionMode"
        registration={register("executionMode")}
        choices={EXECUTION_MODES}
      />
    </StepForm>
  );
}
