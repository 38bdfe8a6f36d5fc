import { useState } from "react";
import { toAppError } from "../api";
import type { ProfileSummary } from "../bindings/ProfileSummary";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState } from "../components/EmptyState";
import { QueryError } from "../components/ErrorNotice";
import { KeyIcon, LockIcon, PlusIcon } from "../components/Icons";
import { ProfileFormDialog } from "../components/profiles/ProfileForm";
import { ProfileTable, type TestState } from "../components/profiles/ProfileTable";
import { LoadingBlock } from "../components/Spinner";
import { profileKey, toRef } from "../lib/profiles";
import { useProfileTest, useProfiles, useRemoveProfile, useSession } from "../lib/queries";
import { useToast } from "../lib/toast";
import { Card } from "../components/Card";

type Editing = { mode: "add" } | { mode: "edit"; profile: ProfileSummary } | null;

export function ProfilesPage() {
  const profiles = useProfiles();
  const session = useSession();
  const remove = useRemoveProfile();
  const profileTest = useProfileTest();
  const toast = useToast();

  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<ProfileSummary | null>(null);
  const [tests, setTests] = useState<Record<string, TestState>>({});

  const current = session.data?.profile ?? null;
  const all = profiles.data ?? [];
  const own = all.filter((p) => p.source === "pipewright");
  const detected = all.filter((p) => p.source !== "pipewright");

  async function runTest(profile: ProfileSummary) {
    const key = profileKey(profile);
    setTests((t) => ({ ...t, [key]: { status: "pending" } }));
    // Test in the profile's own region; fall back to the header's region.
    const region = profile.region ?? session.data?.region ?? null;
    let result: TestState;
    try {
      const identity = await profileTest.mutateAsync({ profile: toRef(profile), region });
      result = { status: "ok", identity };
    } catch (caught) {
      result = { status: "error", error: toAppError(caught) };
    }
    setTests((t) => ({ ...t, [key]: result }));
  }

  function dismissTest(profile: ProfileSummary) {
    const key = profileKey(profile);
    setTests((t) => {
      const next = { ...t };
      delete next[key];
      return next;
    });
  }

  function confirmRemove() {
    if (!removing) return;
    const { name } = removing;
    remove.mutate(name, {
      onSuccess: () => {
        toast.success("Profile removed", `“${name}” and its stored keys were deleted.`);
        dismissTest(removing);
        setRemoving(null);
      },
      onError: (error) => {
        toast.error(error);
        setRemoving(null);
      },
    });
  }

  const tableProps = {
    current,
    tests,
    onTest: (p: ProfileSummary) => void runTest(p),
    onDismissTest: dismissTest,
    onEdit: (p: ProfileSummary) => setEditing({ mode: "edit", profile: p }),
    onRemove: setRemoving,
  };

  let content;
  if (profiles.isPending) {
    content = <LoadingBlock label="Loading profiles…" />;
  } else if (profiles.isError) {
    content = (
      <QueryError query={profiles} variant="banner" testId="profiles-error" />
    );
  } else if (all.length === 0) {
    content = (
      <div className="card">
        <EmptyState
          icon={<KeyIcon size={28} />}
          title="No profiles yet"
          testId="profiles-empty"
          actions={
            <button type="button" className="button button-primary" onClick={() => setEditing({ mode: "add" })}>
              <PlusIcon size={14} />
              Add profile
            </button>
          }
        >
          Add your first profile, or run in sandbox mode. Profiles from the AWS CLI (~/.aws) and AWS environment
          variables also show up here automatically.
        </EmptyState>
      </div>
    );
  } else {
    content = (
      <>
        <Card
          titleId="own-profiles-title"
          title="Pipewright profiles"
          subtitle="Keys you added here, kept in your system keyring."
        >
          {own.length > 0 ? (
            <ProfileTable profiles={own} showSource={false} {...tableProps} />
          ) : (
            <div className="card-empty">
              No Pipewright profiles yet.{" "}
              <button type="button" className="link-button" onClick={() => setEditing({ mode: "add" })}>
                Add one
              </button>{" "}
              to store access keys for an account.
            </div>
          )}
        </Card>

        <Card
          titleId="detected-profiles-title"
          title="Detected profiles"
          subtitle={
            <>
              <LockIcon size={12} /> Read-only. Pipewright uses these from the AWS CLI config, environment or
              sandbox without copying their secrets.
            </>
          }
        >
          {detected.length > 0 ? (
            <ProfileTable profiles={detected} showSource {...tableProps} />
          ) : (
            <div className="card-empty">
              No AWS CLI profiles in ~/.aws and no AWS credentials in the environment.
            </div>
          )}
        </Card>
      </>
    );
  }

  return (
    <div className="page">
      <div className="page-header">
        <p className="page-intro">
          The AWS credentials Pipewright can use. Pick the active one in the header; secrets are never shown after
          you save them.
        </p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setEditing({ mode: "add" })}
          data-testid="profile-add"
        >
          <PlusIcon size={14} />
          Add profile
        </button>
      </div>

      {content}

      {editing && (
        <ProfileFormDialog
          mode={editing.mode}
          profile={editing.mode === "edit" ? editing.profile : null}
          onClose={() => setEditing(null)}
        />
      )}

      {removing && (
        <ConfirmDialog
          title={`Remove profile “${removing.name}”?`}
          confirmLabel="Remove profile"
          busyLabel="Removing…"
          busy={remove.isPending}
          danger
          onConfirm={confirmRemove}
          onCancel={() => setRemoving(null)}
        >
          <p>
            Pipewright forgets this profile and deletes its keys from the system keyring. The access key itself stays
            active in AWS. This can’t be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
