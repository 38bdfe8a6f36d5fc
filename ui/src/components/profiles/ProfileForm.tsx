import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useMemo, useState, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { Identity } from "../../bindings/Identity";
import type { ProfileSummary } from "../../bindings/ProfileSummary";
import type { RegionInfo } from "../../bindings/RegionInfo";
import {
  isProfileFormField,
  profileFormDefaults,
  profileFormSchema,
  toProfileInput,
  type ProfileFormField,
  type ProfileFormMode,
  type ProfileFormOutput,
  type ProfileFormValues,
} from "../../lib/profileSchema";
import { useCredentialsTest, useRegions, useSaveProfile, useSession } from "../../lib/queries";
import { useToast } from "../../lib/toast";
import { ErrorNotice } from "../ErrorNotice";
import { BoltIcon, ChevronRightIcon, ExternalIcon, LockIcon } from "../Icons";
import { Modal } from "../Modal";
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
  const ids = useId();
  const schema = useMemo(() => profileFormSchema(mode), [mode]);
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

  const fieldId = (field: ProfileFormField) => `${ids}-${field}`;
  const describedBy = (field: ProfileFormField) =>
    errors[field] ? `${fieldId(field)}-error` : `${fieldId(field)}-hint`;

  // Any change to what is being tested makes an earlier result stale.
  const clearTestResult = () => setTestResult(null);

  /** Put a Rust `validation` error next to its field. Returns false if it has no field here. */
  function showOnField(error: AppError): boolean {
    if (error.code !== "validation" || !isProfileFormField(error.field)) return false;
    if (error.field === "endpointUrl") setAdvancedOpen(true);
    setError(error.field, { type: "server", message: error.message }, { shouldFocus: true });
    return true;
  }

  function onInvalid(fieldErrors: Partial<Record<ProfileFormField, unknown>>) {
    if (fieldErrors.endpointUrl) setAdvancedOpen(true);
  }

  const onSave = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await save.mutateAsync(toProfileInput(values, originalName));
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
      const identity = await test.mutateAsync(toProfileInput(values, originalName));
      setTestResult({ kind: "ok", identity });
    } catch (caught) {
      const error = toAppError(caught);
      if (!showOnField(error)) setTestResult({ kind: "error", error });
    } finally {
      test.reset();
    }
  }, onInvalid);

  function openHelp() {
    api.openExternal(IAM_CONSOLE_URL).catch((error: unknown) => toast.error(toAppError(error)));
  }

  const fieldError = (field: ProfileFormField) => {
    const message = errors[field]?.message;
    return message ? (
      <p className="field-error" id={`${fieldId(field)}-error`} data-testid={`field-error-${field}`}>
        {message}
      </p>
    ) : null;
  };

  return (
    <form className="profile-form" noValidate onSubmit={(event) => void onSave(event)}>
      <div className="modal-body">
        {formError && <ErrorNotice error={formError} variant="banner" testId="form-error" />}

        <div className="form-grid">
          <div className="field">
            <label htmlFor={fieldId("name")}>Name</label>
            <input
              id={fieldId("name")}
              type="text"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              placeholder="e.g. prod-deployer"
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy("name")}
              data-testid="profile-name"
              data-autofocus
              {...register("name")}
            />
            {fieldError("name") ?? (
              <p className="field-hint" id={`${fieldId("name")}-hint`}>
                Letters, digits, dots, underscores and hyphens.
              </p>
            )}
          </div>

          <div className="field">
            <label htmlFor={fieldId("region")}>Region</label>
            <select
              id={fieldId("region")}
              aria-invalid={errors.region ? true : undefined}
              aria-describedby={describedBy("region")}
              data-testid="profile-region"
              {...register("region", { onChange: clearTestResult })}
            >
              <option value="">Choose a region</option>
              {regionOptions.map((r) => (
                <option key={r.code} value={r.code}>
                  {`${r.code} · ${r.name}`}
                </option>
              ))}
            </select>
            {fieldError("region") ?? (
              <p className="field-hint" id={`${fieldId("region")}-hint`}>
                Where pipelines are created by default.
              </p>
            )}
          </div>
        </div>

        <fieldset className="form-section">
          <legend className="form-section-title">
            <LockIcon size={14} />
            Access key
          </legend>
          <button type="button" className="link-button form-section-link" onClick={openHelp}>
            Create keys in the IAM console
            <ExternalIcon size={12} />
          </button>

          <div className="field">
            <label htmlFor={fieldId("accessKeyId")}>
              Access key ID{isEdit && <span className="optional">optional</span>}
            </label>
            <input
              id={fieldId("accessKeyId")}
              type="text"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              placeholder={isEdit ? `unchanged — ${keyHint ?? "stored key"}` : "AKIA…"}
              aria-invalid={errors.accessKeyId ? true : undefined}
              aria-describedby={describedBy("accessKeyId")}
              data-testid="profile-access-key-id"
              {...register("accessKeyId", { onChange: clearTestResult })}
            />
            {fieldError("accessKeyId") ?? (
              <p className="field-hint" id={`${fieldId("accessKeyId")}-hint`}>
                {isEdit ? "Leave empty to keep the stored key." : "16–128 characters, A–Z and 0–9."}
              </p>
            )}
          </div>

          <div className="field">
            <label htmlFor={fieldId("secretAccessKey")}>
              Secret access key{isEdit && <span className="optional">optional</span>}
            </label>
            <input
              id={fieldId("secretAccessKey")}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={isEdit ? "unchanged" : ""}
              aria-invalid={errors.secretAccessKey ? true : undefined}
              aria-describedby={describedBy("secretAccessKey")}
              data-testid="profile-secret-access-key"
              {...register("secretAccessKey", { onChange: clearTestResult })}
            />
            {fieldError("secretAccessKey") ?? (
              <p className="field-hint" id={`${fieldId("secretAccessKey")}-hint`}>
                Stored in the system keyring; never shown again.
              </p>
            )}
          </div>

          <div className="field">
            <label htmlFor={fieldId("sessionToken")}>
              Session token<span className="optional">optional</span>
            </label>
            <input
              id={fieldId("sessionToken")}
              type="password"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={isEdit && profile?.hasSessionToken ? "unchanged" : ""}
              aria-invalid={errors.sessionToken ? true : undefined}
              aria-describedby={describedBy("sessionToken")}
              data-testid="profile-session-token"
              {...register("sessionToken", { onChange: clearTestResult })}
            />
            {fieldError("sessionToken") ?? (
              <p className="field-hint" id={`${fieldId("sessionToken")}-hint`}>
                Only for temporary credentials (keys starting with ASIA).
              </p>
            )}
          </div>

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

        <div className="disclosure">
          <button
            type="button"
            className="disclosure-toggle"
            aria-expanded={advancedOpen}
            aria-controls={`${ids}-advanced`}
            onClick={() => setAdvancedOpen((open) => !open)}
            data-testid="profile-advanced"
          >
            <ChevronRightIcon size={14} className="disclosure-chevron" />
            Advanced
          </button>
          {advancedOpen && (
            <div className="disclosure-panel" id={`${ids}-advanced`}>
              <div className="field">
                <label htmlFor={fieldId("endpointUrl")}>
                  Endpoint URL<span className="optional">optional</span>
                </label>
                <input
                  id={fieldId("endpointUrl")}
                  type="url"
                  className="mono"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="https://…"
                  aria-invalid={errors.endpointUrl ? true : undefined}
                  aria-describedby={describedBy("endpointUrl")}
                  data-testid="profile-endpoint-url"
                  {...register("endpointUrl", { onChange: clearTestResult })}
                />
                {fieldError("endpointUrl") ?? (
                  <p className="field-hint" id={`${fieldId("endpointUrl")}-hint`}>
                    For an AWS-compatible endpoint such as a local emulator. Leave empty for AWS.
                  </p>
                )}
              </div>
            </div>
          )}
        </div>

        {testResult?.kind === "ok" && <IdentityResult identity={testResult.identity} testId="form-identity" />}
        {testResult?.kind === "error" && <ErrorNotice error={testResult.error} testId="form-test-error" />}
      </div>

      <div className="modal-footer">
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
        <span className="spacer" />
        <button type="button" className="button" onClick={onClose} disabled={save.isPending} data-testid="profile-cancel">
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="profile-save">
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
