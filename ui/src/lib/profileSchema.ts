import { z } from "./zod";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileSummary } from "../bindings/ProfileSummary";

export type ProfileFormMode = "add" | "edit";

/**
 * The profile form's shape: strings and flags, trimmed. The rules (name, keys, endpoint, which
 * keys an edit may leave out) are Rust's: the form asks `profile_validate` before it saves or
 * tests, and Rust checks again on save.
 */
export function profileFormSchema() {
  return z.object({
    name: z.string().trim(),
    region: z.string(),
    accessKeyId: z.string().trim(),
    secretAccessKey: z.string().trim(),
    sessionToken: z.string().trim(),
    clearSessionToken: z.boolean(),
    makeDefault: z.boolean(),
    endpointUrl: z.string().trim(),
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

/** How the form names each field, to lead Rust's rule ("Name must be 1–64 characters: …"). */
export const PROFILE_FIELD_LABELS: Record<ProfileFormField, string> = {
  name: "Name",
  region: "Region",
  accessKeyId: "Access key ID",
  secretAccessKey: "Secret access key",
  sessionToken: "Session token",
  clearSessionToken: "Clear session token",
  makeDefault: "Default",
  endpointUrl: "Endpoint URL",
};

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
