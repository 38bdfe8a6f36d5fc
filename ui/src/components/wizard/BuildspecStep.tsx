import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { api, toAppError } from "../../api";
import { useToast } from "../../lib/toast";
import { useEcsContainers, useGeneratedBuildspec } from "../../lib/wizard/queries";
import { applyBuildspec, buildspecSchema, buildspecValues, type BuildspecValues } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { ErrorNotice } from "../ErrorNotice";
import { Spinner } from "../Spinner";
import { Field } from "./fields";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";

const text = { type: "text", autoComplete: "off", spellCheck: false } as const;

export function BuildspecStep({ plan, session }: StepProps) {
  const toast = useToast();
  const form = useForm<BuildspecValues, unknown, z.output<typeof buildspecSchema>>({
    resolver: zodResolver(buildspecSchema),
    defaultValues: buildspecValues(plan),
  });
  const {
    register,
    control,
    formState: { errors },
  } = form;
  const containerName = useWatch({ control, name: "containerName" }).trim();
  const cluster = plan.deploy.kind === "ecs" ? plan.deploy.cluster : "";
  const service = plan.deploy.kind === "ecs" ? plan.deploy.service : "";
  const containers = useEcsContainers(session, cluster, service);
  const yaml = useGeneratedBuildspec(session, plan);

  const mismatch =
    containers.data && containerName !== "" && !containers.data.includes(containerName)
      ? `The task definition of service “${service}” has no container “${containerName}”${
          containers.data.length > 0 ? ` (it has ${containers.data.join(", ")})` : ""
        }: the deploy would not find the image.`
      : undefined;

  async function save() {
    if (yaml.data === undefined) return;
    try {
      const path = await api.textSave("buildspec", yaml.data, "buildspec.yml");
      if (!path) return;
      toast.success("buildspec.yml saved", path);
    } catch (error) {
      toast.error(toAppError(error));
    }
  }

  async function copy() {
    if (yaml.data === undefined) return;
    try {
      await navigator.clipboard.writeText(yaml.data);
      toast.success("Copied", "The buildspec is on the clipboard.");
    } catch (error) {
      toast.error(toAppError(error));
    }
  }

  return (
    <StepForm
      form={form}
      apply={applyBuildspec}
      intro={
        <>
          The build’s instructions. Commit the file at <span className="mono">{plan.build.buildspecPath}</span> in the
          repository.
        </>
      }
    >
      <div className="form-grid">
        <Field
          path="buildspec.serviceDir"
          label="Service directory"
          optional
          error={errors.serviceDir?.message}
          hint="The folder with the Dockerfile; empty = the repository root."
        >
          {(c) => <input {...text} className="mono" {...c} {...register("serviceDir")} />}
        </Field>
        <Field path="buildspec.dockerfile" label="Dockerfile" error={errors.dockerfile?.message} hint="Relative to the service directory.">
          {(c) => <input {...text} className="mono" {...c} {...register("dockerfile")} />}
        </Field>
        <Field
          path="buildspec.containerName"
          label="Container name"
          error={errors.containerName?.message}
          hint={
            service
              ? containers.isFetching
                ? "Looking up the service’s containers…"
                : `A container of ${service}’s task definition.`
              : "The container name in the ECS task definition."
          }
          warning={mismatch}
        >
          {(c) => (
            <>
              <input {...text} className="mono" list="wizard-containers" {...c} {...register("containerName")} />
              <datalist id="wizard-containers">
                {containers.data?.map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field path="buildspec.imageTag" label="Image tag" error={errors.imageTag?.message}>
          {(c) => <input {...text} className="mono" {...c} {...register("imageTag")} />}
        </Field>
      </div>

      <div className="code-block">
        <div className="code-block-header">
          <span className="mono">buildspec.yml</span>
          {yaml.isFetching && <Spinner size={12} />}
          <span className="spacer" />
          <button type="button" className="button button-small" onClick={() => void copy()} disabled={!yaml.data} data-testid="buildspec-copy">
            Copy
          </button>
          <button type="button" className="button button-small" onClick={() => void save()} disabled={!yaml.data} data-testid="buildspec-save">
            Save…
          </button>
        </div>
        <pre className="code-view" data-testid="buildspec-yaml">
          <code>{yaml.data ?? (yaml.isPending ? "Generating…" : "")}</code>
        </pre>
      </div>
      {yaml.error && <ErrorNotice error={yaml.error} testId="buildspec-error" />}
    </StepForm>
  );
}
