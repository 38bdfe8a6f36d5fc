import type { AppError } from "../../bindings/AppError";
import type { Identity } from "../../bindings/Identity";
import type { ProfileRef } from "../../bindings/ProfileRef";
import type { ProfileSummary } from "../../bindings/ProfileSummary";
import { SOURCE_LABELS, profileKey, sameProfile } from "../../lib/profiles";
import { ErrorNotice } from "../ErrorNotice";
import { BoltIcon, CloseIcon, PencilIcon, TrashIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { IdentityResult } from "./IdentityResult";

export type TestState =
  | { status: "pending" }
  | { status: "ok"; identity: Identity }
  | { status: "error"; error: AppError };

type ProfileTableProps = {
  profiles: ProfileSummary[];
  /** Show the Source column (for profiles Pipewright detected rather than owns). */
  showSource: boolean;
  current: ProfileRef | null;
  tests: Record<string, TestState>;
  onTest: (profile: ProfileSummary) => void;
  onDismissTest: (profile: ProfileSummary) => void;
  onEdit: (profile: ProfileSummary) => void;
  onRemove: (profile: ProfileSummary) => void;
};

/** Profiles as a table. Every AWS- or file-sourced string is rendered as plain text. */
export function ProfileTable({
  profiles,
  showSource,
  current,
  tests,
  onTest,
  onDismissTest,
  onEdit,
  onRemove,
}: ProfileTableProps) {
  const columns = showSource ? 6 : 5;
  return (
    <div className="table-scroll">
    <table className="table profile-table">
      <thead>
        <tr>
          <th scope="col">Profile</th>
          {showSource && <th scope="col">Source</th>}
          <th scope="col">Region</th>
          <th scope="col">Access key</th>
          <th scope="col">Account</th>
          <th scope="col" className="actions-col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {profiles.map((profile) => {
          const key = profileKey(profile);
          const test = tests[key];
          return (
            <ProfileRows
              key={key}
              profile={profile}
              showSource={showSource}
              columns={columns}
              isCurrent={sameProfile(profile, current)}
              test={test}
              onTest={onTest}
              onDismissTest={onDismissTest}
              onEdit={onEdit}
              onRemove={onRemove}
            />
          );
        })}
      </tbody>
    </table>
    </div>
  );
}

type ProfileRowsProps = {
  profile: ProfileSummary;
  showSource: boolean;
  columns: number;
  isCurrent: boolean;
  test: TestState | undefined;
  onTest: (profile: ProfileSummary) => void;
  onDismissTest: (profile: ProfileSummary) => void;
  onEdit: (profile: ProfileSummary) => void;
  onRemove: (profile: ProfileSummary) => void;
};

function ProfileRows({
  profile,
  showSource,
  columns,
  isCurrent,
  test,
  onTest,
  onDismissTest,
  onEdit,
  onRemove,
}: ProfileRowsProps) {
  const { name } = profile;
  const testing = test?.status === "pending";
  return (
    <>
      <tr data-testid={`profile-row-${name}`} className={test && !testing ? "has-detail" : undefined}>
        <td>
          <div className="profile-name-cell">
            <span className="profile-name" title={name}>
              {name}
            </span>
            {profile.isDefault && <span className="tag tag-accent">Default</span>}
            {isCurrent && <span className="tag tag-success">In use</span>}
            {profile.endpointUrl && (
              <span className="tag" title={profile.endpointUrl}>
                custom endpoint
              </span>
            )}
          </div>
        </td>
        {showSource && (
          <td>
            <div className="source-cell">
              <span className={`source source-${profile.source}`}>{SOURCE_LABELS[profile.source]}</span>
              {profile.detail && <span className="muted small">{profile.detail}</span>}
            </div>
          </td>
        )}
        <td className="nowrap">
          {profile.region ? <span className="mono">{profile.region}</span> : <span className="muted">—</span>}
        </td>
        <td className="nowrap">
          <div className="key-cell">
            {profile.accessKeyHint ? (
              <span className="mono key-hint">{profile.accessKeyHint}</span>
            ) : (
              <span className="muted">—</span>
            )}
            {profile.hasSessionToken && <span className="muted small">+ session token</span>}
          </div>
        </td>
        <td className="nowrap">
          {profile.lastAccountId ? (
            <span className="mono">{profile.lastAccountId}</span>
          ) : (
            <span className="muted">Not tested</span>
          )}
        </td>
        <td className="actions-col">
          <div className="row-actions">
            <button
              type="button"
              className="button button-small"
              onClick={() => onTest(profile)}
              disabled={testing}
              data-testid={`profile-test-${name}`}
            >
              {testing ? <Spinner size={12} /> : <BoltIcon size={13} />}
              {testing ? "Testing…" : "Test"}
            </button>
            {profile.editable && (
              <>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onEdit(profile)}
                  data-testid={`profile-edit-${name}`}
                >
                  <PencilIcon size={13} />
                  Edit
                </button>
                <button
                  type="button"
                  className="button button-small button-ghost-danger"
                  onClick={() => onRemove(profile)}
                  aria-label={`Remove ${name}`}
                  title="Remove"
                  data-testid={`profile-remove-${name}`}
                >
                  <TrashIcon size={13} />
                </button>
              </>
            )}
          </div>
        </td>
      </tr>
      {test && test.status !== "pending" && (
        <tr className="detail-row">
          <td colSpan={columns}>
            <div className="detail-row-content">
              {test.status === "ok" ? (
                <IdentityResult identity={test.identity} testId={`profile-identity-${name}`} />
              ) : (
                <ErrorNotice error={test.error} testId={`profile-test-error-${name}`} />
              )}
              <button
                type="button"
                className="icon-button"
                aria-label="Dismiss test result"
                onClick={() => onDismissTest(profile)}
              >
                <CloseIcon size={14} />
              </button>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
