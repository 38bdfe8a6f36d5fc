import { z } from "./zod";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileSummary } from "../bindings/ProfileSummary";

export type ProfileFormMode = "add" | "edit";

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
const ACCESS_KEY_PATTERN = /^[A-Z0-9]+$/;

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Client-side validation for the Add/Edit profile form. Rust validates again;
 * its `validation` errors are mapped onto the same field names.
 *
 * On add every key is required. On edit empty keys mean "keep the stored ones",
 * but a new access key id and secret must come together.
 */
export function profileFormSchema(mode: ProfileFormMode) {
  const keysRequired = mode === "add";
  return z
    .object({
      name: z
        .string()
        .trim()
        .min(1, "Enter a profile name.")
        .max(64, "Use at most 64 characters.")
        .regex(NAME_PATTERN, "Use only letters, digits, dots, underscores and hyphens."),
      region: z.string().min(1, "Choose a region."),
      accessKeyId: z
        .string()
        .trim()
        .superRefine((value, ctx) => {
          if (value === "") {
            if (keysRequired) ctx.addIssue({ code: "custom", message: "Enter the access key ID." });
            return;
          }
          if (!ACCESS_KEY_PATTERN.test(value)) {
            ctx.addIssue({ code: "custom", message: "Access key IDs contain only capital letters A–Z and digits." });
          } else if (value.length < 16 || value.length > 128) {
            ctx.addIssue({ code: "custom", message: "Access key IDs are 16 to 128 characters long." });
          }
        }),
      secretAccessKey: z
        .string()
        .trim()
        .superRefine((value, ctx) => {
          if (value === "") {
            if (keysRequired) ctx.addIssue({ code: "custom", message: "Enter the secret access key." });
            return;
          }
          if (value.length < 16) {
            ctx.addIssue({ code: "custom", message: "Secret access keys are at least 16 characters long." });
          }
        }),
      sessionToken: z.string().trim(),
      clearSessionToken: z.boolean(),
      makeDefault: z.boolean(),
      endpointUrl: z
        .string()
        .trim()
        .refine((value) => value === "" || isHttpUrl(value), "Enter an http:// or https:// URL, or leave it empty."),
    })
    .superRefine((values, ctx) => {
      // Replacing keys on edit: both halves or neither.
      if (values.accessKeyId !== "" && values.secretAccessKey === "") {
        ctx.addIssue({
          code: "custom",
          path: ["secretAccessKey"],
          message: "Enter the secret access key that goes with the new access key ID.",
        });
      }
      if (values.accessKeyId === "" && values.secretAccessKey !== "") {
        ctx.addIssue({
          code: "custom",
          path: ["accessKeyId"],
          message: "Enter the access key ID that goes with the new secret.",
        });
      }
    });
}

type Schema = ReturnType<typeof profileFormSchema>;
export type ProfileFormValues = z.input<Schema>;
export type ProfileFormOutput = z.output<Schema>;
export type ProfileFormField = keyof ProfileFormValues;

export const PROFILE_FORM_FIELDS: readonly ProfileFormField[] = [
  "name",
  "region",
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "clearSessionToken",
  "makeDefault",
  "endpointUrl",
];

export function isProfileFormField(field: string | null): field is ProfileFormField {
  return field !== null && (PROFILE_FORM_FIELDS as readonly string[]).includes(field);
}

export function profileFormDefaults(profile: ProfileSummary | null, defaultRegion: string): ProfileFormValues {
  return {
    name: profile?.name ?? "",
    region: profile?.region ?? defaultRegion,
    // Secrets are never loaded back into the form.
    accessKeyId: "",
    secretAccessKey: "",
    sessionToken: "",
    clearSessionToken: false,
    makeDefault: profile?.isDefault ?? false,
    endpointUrl: profile?.endpointUrl ?? "",
  };
}

/** Build the `ProfileInput` for `profile_save` / `credentials_test`. Empty key fields become null ("keep"). */
export function toProfileInput(values: ProfileFormOutput, originalName: string | null): ProfileInput {
  const sessionToken = values.sessionToken === "" ? null : values.sessionToken;
  return {
    originalName,
    name: values.name,
    region: values.region,
    endpointUrl: values.endpointUrl === "" ? null : values.endpointUrl,
    accessKeyId: values.accessKeyId === "" ? null : values.accessKeyId,
    secretAccessKey: values.secretAccessKey === "" ? null : values.secretAccessKey,
    sessionToken,
    clearSessionToken: originalName !== null && sessionToken === null && values.clearSessionToken,
    makeDefault: values.makeDefault,
  };
}
