import { useFieldArray, type UseFormReturn } from "react-hook-form";
import type { BuildValues, buildSchema } from "../../lib/wizard/schemas";
import type { z } from "../../lib/zod";
import { PlusIcon, TrashIcon } from "../Icons";
import { Field } from "./fields";

type BuildForm = UseFormReturn<BuildValues, unknown, z.output<typeof buildSchema>>;

/** The build's plaintext environment variables: add and remove rows. */
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
      <p className="field-hint">Plaintext, visible in the project. Keep secrets in Parameter Store or Secrets Manager.</p>
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
                  <input
                    type="text"
                    className="mono"
                    autoComplete="off"
                    spellCheck={false}
                    {...c}
                    {...register(`environmentVariables.${index}.name`)}
                  />
                )}
              </Field>
              <Field path={`build.environmentVariables.${index}.value`} label="Value">
                {(c) => (
                  <input
                    type="text"
                    className="mono"
                    autoComplete="off"
                    spellCheck={false}
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
        onClick={() => append({ name: "", value: "" })}
        data-testid="env-add"
      >
        <PlusIcon size={13} />
        Add variable
      </button>
    </fieldset>
  );
}
