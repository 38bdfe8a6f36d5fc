import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { useEcsClusters, useEcsServices } from "../../lib/wizard/queries";
import type { NotificationEvent } from "../../bindings/NotificationEvent";
import {
  applyDeploy,
  deploySchema,
  deployValues,
  NOTIFICATION_EVENTS,
  type DeployValues,
} from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { ChoiceCards, Field, OptionGroup, PathMessage } from "./fields";
import { ResourcePicker } from "./ResourcePicker";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";
import { CodeInput } from "../Field";

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
  const [kind, cluster, service, approval, notify] = useWatch({
    control,
    name: ["kind", "cluster", "service", "approval", "notify"],
  });
  const ecs = kind === "ecs";
  const clusters = useEcsClusters(session, ecs);
  const services = useEcsServices(session, ecs ? cluster : "");

  return (
    <StepForm
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
            {(c) => <CodeInput {...c} {...register("fileName")} />}
          </Field>
        </div>
      )}
      {ecs && (
        <OptionGroup
          label="Manual approval before Deploy"
          description="Every release waits in an Approval stage until someone approves it (in Pipewright, the CLI or the console)."
          registration={register("approval")}
          testId="plan-pipeline-approval"
          open={approval}
        >
          <Field
            path="pipeline.approval.snsTopicArn"
            label="SNS topic to tell"
            optional
            hint="CodePipeline publishes to it when an approval waits; the pipeline role may publish to it and nothing else."
          >
            {(c) => (
              <CodeInput
                placeholder="arn:aws:sns:…:…:approvals"
                {...c}
                {...register("snsTopicArn")}
              />
            )}
          </Field>
          <Field path="pipeline.approval.reviewUrl" label="URL to review" optional hint="e.g. staging: shown to the approver.">
            {(c) => (
              <CodeInput plain type="url" placeholder="https://" {...c} {...register("reviewUrl")} />
            )}
          </Field>
          <Field path="pipeline.approval.comments" label="Comments for the approver" optional className="form-grid-wide">
            {(c) => <textarea rows={2} {...c} {...register("comments")} />}
          </Field>
        </OptionGroup>
      )}
      <OptionGroup
        label="Tell the team through an SNS topic"
        description="A CodeStar Notifications rule on the pipeline publishes its events to the topic, so people hear of them with no Pipewright open."
        registration={register("notify")}
        testId="plan-pipeline-notifications"
        open={notify}
      >
        <Field
          path="pipeline.notifications.snsTopicArn"
          label="SNS topic"
          className="form-grid-wide"
          hint="In the pipeline's region. Its access policy must let codestar-notifications.amazonaws.com publish; Pipewright checks it on Review and never changes the topic."
        >
          {(c) => (
            <CodeInput
              placeholder="arn:aws:sns:…:…:team"
              {...c}
              {...register("notifyTopicArn")}
            />
          )}
        </Field>
        <fieldset className="choice-group form-grid-wide">
          <legend className="choice-legend">Events</legend>
          <div className="checkbox-list">
            {NOTIFICATION_EVENTS.map((event) => (
              <label key={event} className="checkbox">
                <input
                  type="checkbox"
                  value={event}
                  data-testid={`plan-notification-event-${event}`}
                  {...register("notifyEvents")}
                />
                <span>{EVENT_LABELS[event]}</span>
              </label>
            ))}
          </div>
          <PathMessage path="pipeline.notifications.events" />
        </fieldset>
        <Field path="pipeline.notifications.detail" label="Detail">
          {(c) => (
            <select {...c} {...register("notifyDetail")}>
              <option value="FULL">Full: the event and what CodePipeline says of it</option>
              <option value="BASIC">Basic: the event only</option>
            </select>
          )}
        </Field>
        <Field
          path="pipeline.notifications.ruleName"
          label="Rule name"
          optional
          hint="Empty: the pipeline's name with -pipewright."
        >
          {(c) => <CodeInput plain {...c} {...register("notifyRuleName")} />}
        </Field>
      </OptionGroup>
    </StepForm>
  );
}

const EVENT_LABELS: Record<NotificationEvent, string> = {
  execution_failed: "A release failed",
  execution_succeeded: "A release succeeded",
  approval_needed: "An approval is waiting",
  execution_started: "A release started",
  execution_canceled: "A release was stopped",
};
