import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { applySource, sourceSchema, sourceValues, type SourceValues } from "../../lib/wizard/schemas";
import { useWizard } from "../../lib/wizard/store";
import type { z } from "../../lib/zod";
import { ConnectionSection } from "./ConnectionSection";
import { Checkbox, ChoiceCards, Field } from "./fields";
import { StepForm } from "./StepForm";
import type { StepProps } from "./types";
import { CodeInput } from "../Field";

export function SourceStep({ plan, session }: StepProps) {
  const { connectionMode } = useWizard();
  const form = useForm<SourceValues, unknown, z.output<typeof sourceSchema>>({
    resolver: zodResolver(sourceSchema),
    defaultValues: sourceValues(plan, connectionMode),
  });
  const {
    register,
    formState: { errors },
  } = form;

  return (
    <StepForm
      form={form}
      apply={applySource}
      intro="GitHub through a CodeStar connection: the repository and branch the pipeline releases."
    >
      <ConnectionSection form={form} session={session} />

      <div className="form-grid">
        <Field
          path="source.repository"
          label="Repository"
          error={errors.repository?.message}
          hint="owner/name on GitHub, e.g. octo-org/backend."
        >
          {(c) => (
            <CodeInput {...c} {...register("repository")} />
          )}
        </Field>
        <Field path="source.branch" label="Branch" error={errors.branch?.message} hint="The branch that releases to production.">
          {(c) => <CodeInput {...c} {...register("branch")} />}
        </Field>
      </div>

      <Checkbox
        label="Start the pipeline on source change"
        description="Every push to the branch starts a run. Off: runs start only when you release."
        registration={register("detectChanges")}
        testId="plan-source-detectChanges"
      />

      <ChoiceCards
        legend="Output artifact format"
        path="source.outputFormat"
        registration={register("outputFormat")}
        choices={[
          {
            value: "CODE_ZIP",
            title: "CodePipeline default",
            description: "A zip of the commit, without git metadata.",
            testId: "plan-source-outputFormat-CODE_ZIP",
          },
          {
            value: "CODEBUILD_CLONE_REF",
            title: "Full clone",
            description: "CodeBuild clones the repository with its git history.",
            testId: "plan-source-outputFormat-CODEBUILD_CLONE_REF",
          },
        ]}
      />
    </StepForm>
  );
}
