import type { ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { ChoiceCards, Field } from "./fields";

const text = { type: "text", className: "mono", autoComplete: "off", spellCheck: false } as const;

type RolePickerProps = {
  /** The plan section whose `role` this is: `pipeline.role.name`, `build.role.arn`, … */
  section: "pipeline" | "build";
  /** The current choice (watched from the form). */
  mode: "create" | "existing";
  /** The name Rust gives a new role when the name is left empty. */
  defaultName: string;
  /** What each choice means for this role. */
  createDescription: ReactNode;
  existingDescription: ReactNode;
  registration: { mode: UseFormRegisterReturn; name: UseFormRegisterReturn; arn: UseFormRegisterReturn };
  /** The form's error for the ARN. */
  arnError: string | undefined;
};

/** A service role: a new one (its name optional) or an existing one by ARN. */
export function RolePicker({
  section,
  mode,
  defaultName,
  createDescription,
  existingDescription,
  registration,
  arnError,
}: RolePickerProps) {
  return (
    <div className="wizard-group">
      <ChoiceCards
        legend="Service role"
        registration={registration.mode}
        choices={[
          {
            value: "create",
            title: "New service role",
            description: createDescription,
            testId: `${section}-role-mode-create`,
          },
          {
            value: "existing",
            title: "Existing service role",
            description: existingDescription,
            testId: `${section}-role-mode-existing`,
          },
        ]}
      />
      {mode === "create" ? (
        <Field
          path={`${section}.role.name`}
          label="Role name"
          optional
          hint={
            <>
              Leave empty for the default: <span className="mono">{defaultName}</span>
            </>
          }
        >
          {(c) => <input {...text} placeholder={defaultName} {...c} {...registration.name} />}
        </Field>
      ) : (
        <Field path={`${section}.role.arn`} label="Role ARN" error={arnError}>
          {(c) => <input {...text} placeholder="arn:aws:iam::123456789012:role/…" {...c} {...registration.arn} />}
        </Field>
      )}
    </div>
  );
}
