import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { Identity } from "../../bindings/Identity";
import type { ProfileInput } from "../../bindings/ProfileInput";
import type { ProfileSummary } from "../../bindings/ProfileSummary";
import type { RegionInfo } from "../../bindings/RegionInfo";
import {
  isProfileFormField,
  PROFILE_FIELD_LABELS,
  profileFormDefaults,
  profileFormSchema,
  toProfileInput,
  type ProfileFormField,
  type ProfileFormMode,
  type ProfileFormOutput,
  type ProfileFormValues,
} from "../../lib/profileSchema";
import { useCredentialsTest, useRegions, useSaveProfile, useSession } from "../../lib/queries";
import { issueText } from "../../lib/errors";
import { useToast } from "../../lib/toast";
import { Disclosure } from "../Disclosure";
import { ErrorNotice } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { Field } from "../Field";
import { BoltIcon, LockIcon } from "../Icons";
import { DialogFooter, DialogForm, Modal } from "../Modal";
import { LoadingBlock, Spinner } from "../Spinner";
import { IdentityResult } from "./IdentityResult";

// Must stay inside the opener scope in src-tauri/app/capabilities/main.json (console.aws.amazon.com).
const IAM_CONSOLE_URL = "https://console.aws.amazon.com/iam/home";

type ProfileFormDialogProps = {
  mode: ProfileFormMode;
  /** The profile being edited (edit mode only). */
  profile: ProfileSummary | null;
  onClose: () => void;
};

/** Add / Edit profile dialog. Secrets live only in this form's state and are dropped on close. */
export function ProfileFormDialog({ mode, profile, onClose }: ProfileFormDialogProps) {
  const regions = useRegions();
  const session = useSession();
  const save = useSaveProfile();
  const test = useCredentialsTest();
  const busy = save.isPending || test.isPending;

  const title = mode === "add" ? "Add profile" : `Edit profile “${profile?.name ?? ""}”`;
  const description =
    mode === "add"
      ? "Keys are stored in your system keyring. Pipewright never shows the secret again."
      : "Leave the key fields empty to keep the stored keys.";

  let body: ReactNode;
  if (regions.isPending || session.isPending) {
    body = <LoadingBlock label="Loading regions…" />;
  } else if (regions.isError) {
    body = (
      <div className="modal-body">
        <ErrorNotice error={regions.error} />
      </div>
    );
  } else {
    body = (
      <ProfileFormBody
        mode={mode}
        profile={profile}
        regions={regions.data}
        defaultRegion={session.data?.region ?? ""}
        save={save}
        test={test}
        onClose={onClose}
      />
    );
  }

  return (
    <Modal title={title} description={description} onClose={onClose} busy={busy} testId="profile-form">
      {body}
    </Modal>
  );
}

type ProfileFormBodyProps = {
  mode: ProfileFormMode;
  profile: ProfileSummary | null;
  regions: RegionInfo[];
  defaultRegion: string;
  save: ReturnType<typeof useSaveProfile>;
  test: ReturnType<typeof useCredentialsTest>;
  onClose: () => void;
};

type TestResult = { kind: "ok"; identity: Identity } | { kind: "error"; error: AppError };

function ProfileFormBody({ mode, profile, regions, defaultRegion, save, test, onClose }: ProfileFormBodyProps) {
  const toast = useToast();
  const schema = useMemo(() => profileFormSchema(), []);
  const {
    register,
    handleSubmit,
    setError,
    setFocus,
    reset,
    formState: { errors },
  } = useForm<ProfileFormValues, unknown, ProfileFormOutput>({
    resolver: zodResolver(schema),
    defaultValues: profileFormDefaults(profile, defaultRegion),
  });
  const [advancedOpen, setAdvancedOpen] = useState(Boolean(profile?.endpointUrl));
  const [testResult, setTestResult] = useState<TestResult | null>(null);
  const [formError, setFormError] = useState<AppError | null>(null);

  // The dialog may open before regions load; focus the first field once the form exists.
  useEffect(() => setFocus("name"), [setFocus]);

  const isEdit = mode === "edit";
  const originalName = isEdit && profile ? profile.name : null;
  const keyHint = profile?.accessKeyHint ?? null;
  const busy = save.isPending || test.isPending;

  // A region that Rust no longer lists (or a custom one) stays selectable.
  const regionOptions = useMemo(() => {
    const current = profile?.region;
    if (current && !regions.some((r) => r.code === current)) {
      return [...regions, { code: current, name: "Current region" }];
    }
    return regions;
  }, [regions, profile?.region]);

  // Any change to what is being tested makes an earlier result stale.
  const clearTestResult = () => setTestResult(null);

  /** Put a Rust `validation` error next to its field. Returns false if it has no field here. */
  function showOnField(error: AppError): boolean {
    if (error.code !== "validation" || !isProfileFormField(error.field)) return false;
    if (error.field === "endpointUrl") setAdvancedOpen(true);
    setError(error.field, { type: "server", message: error.message }, { shouldFocus: true });
    return true;
  }

  /**
   * Asks Rust (`profile_validate`) for every problem with the form and shows each next to its
   * field, focusing the first. The input when there is none, else null: nothing is saved or tested.
   */
  async function checked(values: ProfileFormOutput): Promise<ProfileInput | null> {
    const input = toProfileInput(values, originalName);
    const issues = await api.profileValidate(input);
    if (issues.length === 0) return input;
    const shown = new Set<ProfileFormField>();
    for (const issue of issues) {
      if (!isProfileFormField(issue.path) || shown.has(issue.path)) continue;
      if (issue.path === "endpointUrl") setAdvancedOpen(true);
      const message = issueText(PROFILE_FIELD_LABELS[issue.path], issue.message);
      setError(issue.path, { type: "rust", message }, { shouldFocus: shown.size === 0 });
      shown.add(issue.path);
    }
    if (shown.size === 0) toast.error(toAppError(new Error(issues.map((i) => `${i.path} ${i.message}`).join("; "))));
    return null;
  }

  function onInvalid(fieldErrors: Partial<Record<ProfileFormField, unknown>>) {
    if (fieldErrors.endpointUrl) setAdvancedOpen(true);
  }

  const onSave = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const input = await checked(values);
      if (input === null) return;
      await save.mutateAsync(input);
    } catch (caught) {
      const error = toAppError(caught);
      if (!showOnField(error)) {
        if (error.code === "keyring_unavailable") setFormError(error);
        toast.error(error);
      }
      return;
    } finally {
      // The mutation's variables hold the secret: drop them.
      save.reset();
    }
    reset({ ...values, accessKeyId: "", secretAccessKey: "", sessionToken: "", clearSessionToken: false });
    toast.success("Profile saved", `“${values.name}” is ready to use.`);
    onClose();
  }, onInvalid);

  const onTest = handleSubmit(async (values) => {
    setTestResult(null);
    setFormError(null);
    try {
      const input = await checked(values);
      if (input === null) return;
      const identity = await test.mutateAsync(input);
      setTestResult({ kind: "ok", identity });
    } catch (caught) {
      const error = toAppError(caught);
      if (!showOnField(error)) setTestResult({ kind: "error", error });
    } finally {
      test.reset();
    }
  }, onInvalid);

  /** The error of a field, and where e2e finds it. */
  const fieldError = (field: ProfileFormField) => ({
    error: errors[field]?.message,
    errorTestId: `field-error-${field}`,
  });

  return (
    <DialogForm
      className="profile-form"
      onSubmit={() => void onSave()}
      footer={
        <DialogFooter
          start={
            <button
              type="button"
              className="button"
              onClick={() => void onTest()}
              disabled={busy}
              data-testid="profile-test-connection"
            >
              {test.isPending ? <Spinner size={14} /> : <BoltIcon size={14} />}
              {test.isPending ? "Testing…" : "Test connection"}
            </button>
          }
          onCancel={onClose}
          cancelTestId="profile-cancel"
          cancelDisabled={save.isPending}
          focusCancel={false}
          confirmLabel={save.isPending ? "Saving…" : "Save"}
          confirmTestId="profile-save"
          busy={busy}
        />
      }
    >
      {formError && <ErrorNotice error={formError} variant="banner" testId="form-error" />}

      <div className="form-grid">
        <Field label="Name" hint="Letters, digits, dots, underscores and hyphens." {...fieldError("name")} testId="profile-name">
          {(c) => (
            <input
              {...c}
              type="text"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              placeholder="e.g. prod-deployer"
              data-autofocus
              {...register("name")}
            />
          )}
        </Field>

        <Field label="Region" hint="Where pipelines are created by default." {...fieldError("region")} testId="profile-region">
          {(c) => (
            <select {...c} {...register("region", { onChange: clearTestResult })}>
              <option value="">Choose a region</option>
              {regionOptions.map((r) => (
                <option key={r.code} value={r.code}>
                  {`${r.code} · ${r.name}`}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <fieldset className="form-section">
        <legend className="form-section-title">
          <LockIcon size={14} />
          Access key
        </legend>
        <ExternalLink url={IAM_CONSOLE_URL} variant="link" className="form-section-link">
          Create keys in the IAM console
        </ExternalLink>

        <Field
          label="Access key ID"
          optional={isEdit}
          hint={isEdit ? "Leave empty to keep the stored key." : "16–128 characters, A–Z and 0–9."}
          {...fieldError("accessKeyId")}
          testId="profile-access-key-id"
        >
          {(c) => (
            <input
              {...c}
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              placeholder={isEdit ? `unchanged — ${keyHint ?? "stored key"}` : "AKIA…"}
              {...register("accessKeyId", { onChange: clearTestResult })}
            />
          )}
        </Field>

        <Field
          label="Secret access key"
          optional={isEdit}
          hint="Stored in the system keyring; never shown again."
          {...fieldError("secretAccessKey")}
          testId="profile-secret-access-key"
        >
          {(c) => (
            <input
              {...c}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={isEdit ? "unchanged" : ""}
              {...register("secretAccessKey", { onChange: clearTestResult })}
            />
          )}
        </Field>

        <Field
          label="Session token"
          optional
          hint="Only for temporary credentials (keys starting with ASIA)."
          {...fieldError("sessionToken")}
          testId="profile-session-token"
        >
          {(c) => (
            <input
              {...c}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={isEdit && profile?.hasSessionToken ? "unchanged" : ""}
              {...register("sessionToken", { onChange: clearTestResult })}
            />
          )}
        </Field>

        {isEdit && profile?.hasSessionToken && (
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="profile-clear-session-token"
              {...register("clearSessionToken", { onChange: clearTestResult })}
            />
            <span>Remove the stored session token</span>
          </label>
        )}
      </fieldset>

      <label className="checkbox">
        <input type="checkbox" data-testid="profile-make-default" {...register("makeDefault")} />
        <span>Make this the default profile</span>
      </label>

      <Disclosure
        label="Advanced"
        open={advancedOpen}
        onToggle={() => setAdvancedOpen((open) => !open)}
        testId="profile-advanced"
      >
        <Field
          label="Endpoint URL"
          optional
          hint="For an AWS-compatible endpoint such as a local emulator. Leave empty for AWS."
          {...fieldError("endpointUrl")}
          testId="profile-endpoint-url"
        >
          {(c) => (
            <input
              {...c}
              type="url"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://…"
              {...register("endpointUrl", { onChange: clearTestResult })}
            />
          )}
        </Field>
      </Disclosure>

      {testResult?.kind === "ok" && <IdentityResult identity={testResult.identity} testId="form-identity" />}
      {testResult?.kind === "error" && <ErrorNotice error={testResult.error} testId="form-test-error" />}
    </DialogForm>
  );
}
