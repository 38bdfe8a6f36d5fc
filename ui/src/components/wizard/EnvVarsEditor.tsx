import { useFieldArray, type UseFormReturn } from "react-hook-form";
import type { BuildValues, buildSchema } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { PlusIcon, TrashIcon } from "../Icons";
import { Field } from "./fields";
import { CodeInput } from "../Field";

function valueLabel(type: string | undefined): string {
  if (type === "PARAMETER_STORE") return "Parameter name";
  if (type === "SECRETS_MANAGER") return "Secret name or ARN";
  return "Value";
}

type BuildForm = UseFormReturn<BuildValues, unknown, z.output<typeof buildSchema>>;

/** The build's environment variables, set on the CodeBuild project (never in the buildspec): plain
 * text, or a Parameter Store parameter / Secrets Manager secret that CodeBuild reads at build time. */
export function EnvVarsEditor({ form }: { form: BuildForm }) {
  const {
    control,
    register,
    formState: { errors },
  } = form;
  const { fields, append, remove } = useFieldArray({ control, name: "environmentVariables" });

  return (
    <fieldset className="choice-group">
      <legend className="choice-legend">Environment variables</legend>
      <p className="field-hint">
        Set on the CodeBuild project. Plain text is visible to anyone who can read the project: for a secret, store it in
        Parameter Store or Secrets Manager and give its name here.
      </p>
      {fields.length > 0 && (
        <div className="env-rows">
          {fields.map((field, index) => (
            <div className="env-row" key={field.id} data-testid={`env-row-${index}`}>
              <Field
                path={`build.environmentVariables.${index}.name`}
                label="Name"
                error={errors.environmentVariables?.[index]?.name?.message}
              >
                {(c) => (
                  <CodeInput
                    {...c}
                    {...register(`environmentVariables.${index}.name`)}
                  />
                )}
              </Field>
              <Field
                path={`build.environmentVariables.${index}.type`}
                label="Type"
                error={errors.environmentVariables?.[index]?.type?.message}
              >
                {(c) => (
                  <select {...c} {...register(`environmentVariables.${index}.type`)}>
                    <option value="PLAINTEXT">Plain text</option>
                    <option value="PARAMETER_STORE">Parameter Store</option>
                    <option value="SECRETS_MANAGER">Secrets Manager</option>
                  </select>
                )}
              </Field>
              <Field
                path={`build.environmentVariables.${index}.value`}
                label={valueLabel(form.watch(`environmentVariables.${index}.type`))}
              >
                {(c) => (
                  <CodeInput
                    {...c}
                    {...register(`environmentVariables.${index}.value`)}
                  />
                )}
              </Field>
              <button
                type="button"
                className="icon-button env-remove"
                aria-label={`Remove variable ${index + 1}`}
                onClick={() => remove(index)}
                data-testid={`env-remove-${index}`}
              >
                <TrashIcon size={15} />
              </button>
            </div>
          ))}
        </div>
      )}
      <button
        type="button"
        className="button button-small env-add"
        onClick={() => append({ name: "", value: "", type: "PLAINTEXT" })}
        data-testid="env-add"
      >
        <PlusIcon size={13} />
        Add variable
      </button>
    </fieldset>
  );
}
