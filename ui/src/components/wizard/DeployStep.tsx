import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { useEcsClusters, useEcsServices } from "../../lib/wizard/queries";
import { applyDeploy, deploySchema, deployValues, type DeployValues } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { Checkbox, ChoiceCards, Field } from "./fields";
import { ResourcePicker } from "./ResourcePicker";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";

export function DeployStep({ plan, session }: StepProps) {
  const form = useForm<DeployValues, unknown, z.output<typeof deploySchema>>({
    resolver: zodResolver(deploySchema),
    defaultValues: deployValues(plan),
  });
  const {
    register,
    control,
    setValue,
    formState: { errors },
  } = form;
  const [kind, cluster, service, approval] = useWatch({ control, name: ["kind", "cluster", "service", "approval"] });
  const ecs = kind === "ecs";
  const clusters = useEcsClusters(session, ecs);
  const services = useEcsServices(session, ecs ? cluster : "");

  return (
    <StepForm
      step={5}
      form={form}
      apply={applyDeploy}
      intro="Where the new image goes: an ECS service, updated from imagedefinitions.json."
    >
      <ChoiceCards
        legend="Deploy provider"
        registration={register("kind")}
        choices={[
          {
            value: "ecs",
            title: "Amazon ECS",
            description: "Roll the service onto the new image.",
            testId: "deploy-kind-ecs",
          },
          {
            value: "none",
            title: "No deploy stage",
            description: "The pipeline ends after the build; the image waits in ECR.",
            testId: "deploy-kind-none",
          },
        ]}
      />
      {ecs && (
        <div className="form-grid">
          <Field path="deploy.cluster" label="Cluster" error={errors.cluster?.message}>
            {(c) => (
              <ResourcePicker
                control={c}
                registration={register("cluster", {
                  onChange: () => setValue("service", "", { shouldDirty: true }),
                })}
                query={clusters}
                options={clusters.data?.map((name) => ({ value: name, label: name }))}
                value={cluster}
                placeholder="Choose a cluster"
                missingLabel="not found in this account"
                noun="ECS clusters"
              />
            )}
          </Field>
          <Field path="deploy.service" label="Service" error={errors.service?.message}>
            {(c) => (
              <ResourcePicker
                control={c}
                registration={register("service")}
                query={cluster === "" ? { isPending: false, isFetching: false, error: null } : services}
                options={services.data?.map((name) => ({ value: name, label: name }))}
                value={service}
                placeholder={cluster === "" ? "Choose a cluster first" : "Choose a service"}
                missingLabel="not in this cluster"
                noun="ECS services"
              />
            )}
          </Field>
          <Field
            path="deploy.fileName"
            label="Image definitions file"
            error={errors.fileName?.message}
            hint="Written by the build, read by the ECS deploy action."
          >
            {(c) => <input type="text" className="mono" autoComplete="off" spellCheck={false} {...c} {...register("fileName")} />}
          </Field>
        </div>
      )}
      {ecs && (
        <div className="wizard-group">
          <div className="checkbox-row">
            <Checkbox
              label="Manual approval before Deploy"
              description="Every release waits in an Approval stage until someone approves it (in Pipewright, the CLI or the console)."
              registration={register("approval")}
              testId="plan-pipeline-approval"
            />
          </div>
          {approval && (
            <div className="form-grid">
              <Field
                path="pipeline.approval.snsTopicArn"
                label="SNS topic to tell"
                optional
                hint="CodePipeline publishes to it when an approval waits; the pipeline role may publish to it and nothing else."
              >
                {(c) => (
                  <input
                    type="text"
                    className="mono"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="arn:aws:sns:…:…:approvals"
                    {...c}
                    {...register("snsTopicArn")}
                  />
                )}
              </Field>
              <Field path="pipeline.approval.reviewUrl" label="URL to review" optional hint="e.g. staging: shown to the approver.">
                {(c) => (
                  <input type="url" autoComplete="off" spellCheck={false} placeholder="https://" {...c} {...register("reviewUrl")} />
                )}
              </Field>
              <Field path="pipeline.approval.comments" label="Comments for the approver" optional className="form-grid-wide">
                {(c) => <textarea rows={2} {...c} {...register("comments")} />}
              </Field>
            </div>
          )}
        </div>
      )}
    </StepForm>
  );
}
