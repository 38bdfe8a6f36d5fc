import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm, useWatch } from "react-hook-form";
import { useEcrRepositories, useGeneratedEcrPolicy } from "../../lib/wizard/queries";
import { applyEcr, ecrSchema, ecrValues, type EcrValues } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { ErrorNotice } from "../ErrorNotice";
import { InfoIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { StatusPill } from "../StatusPill";
import { Field } from "./fields";
import { ResourcePicker } from "./ResourcePicker";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";
import { CodeInput } from "../Field";

export function EcrStep({ plan, session }: StepProps) {
  const form = useForm<EcrValues, unknown, z.output<typeof ecrSchema>>({
    resolver: zodResolver(ecrSchema),
    defaultValues: ecrValues(plan),
  });
  const {
    register,
    control,
    setValue,
    formState: { errors },
  } = form;
  const [repository, policyDocument] = useWatch({ control, name: ["repository", "policyDocument"] });
  const repositories = useEcrRepositories(session);
  const generated = useGeneratedEcrPolicy(session, plan);
  const chosen = repositories.data?.find((r) => r.name === repository);
  const edited = policyDocument !== null;

  return (
    <StepForm
      form={form}
      apply={applyEcr}
      intro="Let the CodeBuild role push to one ECR repository, and nothing else."
    >
      <div className="form-grid">
        <Field
          path="ecr.repository"
          label="Repository"
          error={errors.repository?.message}
          hint={
            chosen ? (
              <span className="mono" data-testid="ecr-repository-uri">
                {chosen.uri}
              </span>
            ) : (
              "The repository the build pushes the image to. It must exist already."
            )
          }
        >
          {(c) => (
            <ResourcePicker
              control={c}
              registration={register("repository")}
              query={repositories}
              options={repositories.data?.map((r) => ({ value: r.name, label: r.name }))}
              value={repository}
              placeholder="Choose a repository"
              missingLabel="not found in this account"
              noun="ECR repositories"
            />
          )}
        </Field>
        <Field
          path="ecr.policyName"
          label="Policy name"
          error={errors.policyName?.message}
          hint="The inline policy’s name on the CodeBuild service role."
        >
          {(c) => <CodeInput plain {...c} {...register("policyName")} />}
        </Field>
      </div>

      <Controller
        control={control}
        name="policyDocument"
        render={({ field }) => (
          <Field
            path="ecr.policyDocument"
            label={
              <span className="label-row">
                Policy document
                <StatusPill tone={edited ? "warning" : "success"} testId="ecr-policy-state">
                  {edited ? "Edited" : "Generated · least privilege"}
                </StatusPill>
                {generated.isFetching && <Spinner size={12} />}
              </span>
            }
            error={errors.policyDocument?.message}
            hint="Edit it if you must; Pipewright checks it as you type."
          >
            {(c) => (
              <textarea
                className="code-editor"
                rows={20}
                spellCheck={false}
                autoCapitalize="off"
                autoComplete="off"
                readOnly={!edited && generated.data === undefined}
                value={field.value ?? generated.data ?? ""}
                onChange={(event) => field.onChange(event.target.value === generated.data ? null : event.target.value)}
                onBlur={field.onBlur}
                ref={field.ref}
                {...c}
              />
            )}
          </Field>
        )}
      />
      <div className="inline-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => setValue("policyDocument", null, { shouldDirty: true, shouldValidate: form.formState.isSubmitted })}
          disabled={!edited}
          data-testid="ecr-policy-reset"
        >
          Reset to generated
        </button>
      </div>
      {generated.error && <ErrorNotice error={generated.error} testId="ecr-policy-error" />}
      <p className="explain">
        <InfoIcon size={15} />
        <span>
          <span className="mono">ecr:GetAuthorizationToken</span> must be on <span className="mono">"Resource": "*"</span>:
          it has no resource-level permissions, so scoped to the repository it is never granted and{" "}
          <span className="mono">docker login</span> fails.
        </span>
      </p>
    </StepForm>
  );
}
