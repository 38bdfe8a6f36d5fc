import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { Issue } from "../../bindings/Issue";
import type { PipelineVariable } from "../../bindings/PipelineVariable";
import type { PipelineView } from "../../bindings/PipelineView";
import type { Session } from "../../bindings/Session";
import { shortId } from "../../lib/format";
import { issueText } from "../../lib/errors";
import { useReleaseStart } from "../../lib/pipelines";
import { useDebounced } from "../../lib/useDebounced";
import { draftRelease, fieldLabel, newRequestToken, type Errors, type VariableRow } from "../../lib/release/request";
import { Disclosure } from "../Disclosure";
import { ErrorNotice } from "../ErrorNotice";
import { PlusIcon, RocketIcon, TrashIcon } from "../Icons";
import { Field } from "../Field";
import { DialogFooter, DialogForm, Modal } from "../Modal";
import { Ago, RevisionText } from "./parts";

type ReleaseDialogProps = {
  session: Session;
  view: PipelineView;
  onStarted: (executionId: string) => void;
  onClose: () => void;
};

/**
 * "Release to prod": says exactly what will run, optionally pins a commit and sets pipeline
 * variables, then starts one execution. The request token is made once per opening of the dialog,
 * so a double click (or Confirm again after an error) can never start two executions.
 */
export function ReleaseDialog({ session, view, onStarted, onClose }: ReleaseDialogProps) {
  const [token] = useState(newRequestToken);
  const [revision, setRevision] = useState("");
  const [pinCommit, setPinCommit] = useState(false);
  const [showVariables, setShowVariables] = useState(false);
  const [variables, setVariables] = useState<VariableRow[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<AppError | null>(null);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const release = useReleaseStart(session);

  const source = view.repository ? `${view.repository}${view.branch ? `@${view.branch}` : ""}` : null;
  const latest = view.latest;
  const latestRevision = latest?.revisions[0] ?? null;
  // The commit named in the summary once Rust takes it for a commit id (asked as it is typed).
  const typed = useDebounced(pinCommit ? revision.trim() : "", 200);
  const typedCheck = useQuery({
    queryKey: ["release_validate", "revision", view.name, typed],
    queryFn: () => api.releaseValidate({ pipeline: view.name, revision: typed, variables: [], clientRequestToken: token }),
    enabled: typed !== "",
    staleTime: Infinity,
  });
  const pinned = typed !== "" && typedCheck.data?.every((i) => i.path !== "revision") ? typed : "";

  async function confirm() {
    // A second click before React re-renders the disabled button lands here: ignore it.
    if (inFlight.current) return;
    const draft = draftRelease(pinCommit ? revision : "", variables);
    const request = { pipeline: view.name, revision: draft.revision, variables: draft.variables, clientRequestToken: token };
    inFlight.current = true;
    setBusy(true);
    setFailure(null);
    // The end of the release may notify: ask for the permission now, while the user is clicking.
    void api.desktop.prepareNotifications();
    /** Puts Rust's issues next to the fields they name; false when none is on this dialog. */
    const showOnFields = (issues: Issue[]): boolean => {
      const shown: Errors = {};
      for (const issue of issues) {
        const field = draft.fieldOf(issue.path);
        if (field && !(field in shown)) shown[field] = issueText(fieldLabel(field), issue.message);
      }
      setErrors(shown);
      const fields = Object.keys(shown);
      // Opening the variables or commit section when Rust points at one of their fields.
      if (fields.some((f) => f.startsWith("variables."))) setShowVariables(true);
      if (fields.includes("revision")) setPinCommit(true);
      return fields.length > 0;
    };
    const stop = () => {
      inFlight.current = false;
      setBusy(false);
    };
    try {
      const issues = await api.releaseValidate(request);
      if (issues.length > 0) {
        if (!showOnFields(issues)) setFailure(toAppError(new Error(issues.map((i) => `${i.path} ${i.message}`).join("; "))));
        return stop();
      }
      setErrors({});
      onStarted(await release.mutateAsync(request));
    } catch (caught) {
      const error = toAppError(caught);
      const onField = error.code === "validation" && error.field !== null && showOnFields([{ path: error.field, message: error.message }]);
      if (!onField) setFailure(error);
      stop();
    }
  }

  function updateVariable(index: number, patch: Partial<PipelineVariable>) {
    setVariables((rows) => rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  }

  return (
    <Modal title={`Release ${view.name} to prod?`} onClose={onClose} busy={busy} testId="release-dialog">
      <DialogForm
        onSubmit={() => void confirm()}
        bodyClassName="release-body"
        footer={
          <DialogFooter
            onCancel={onClose}
            cancelTestId="release-cancel"
            confirmLabel={busy ? "Starting…" : "Release to prod"}
            confirmTestId="release-confirm"
            confirmIcon={<RocketIcon size={14} />}
            busy={busy}
          />
        }
      >
        <p className="release-what" data-testid="release-what">
          Pipeline <strong>{view.name}</strong> will build and deploy{" "}
          {pinned ? (
            <>
              commit <code>{pinned}</code> of{" "}
            </>
          ) : (
            "the latest commit of "
          )}
          {source ? <strong className="mono">{source}</strong> : "its source"}.
        </p>

        {latest && (
          <div className="release-latest" data-testid="release-latest">
            <div className="release-latest-label">
              Latest known commit · execution <code title={latest.id}>{shortId(latest.id)}</code>,{" "}
              <Ago iso={latest.startedAt} />
            </div>
            {latestRevision ? (
              <RevisionText revision={latestRevision} testId="release-latest-revision" />
            ) : (
              <span className="muted">No commit recorded for it.</span>
            )}
            {!pinned && (
              <p className="field-hint">Commits pushed since then are included: the Source stage reads the branch head.</p>
            )}
          </div>
        )}

        <Disclosure
          label="Release a specific commit"
          open={pinCommit}
          onToggle={() => setPinCommit((v) => !v)}
          testId="release-pin-toggle"
        >
          <Field
            label="Commit id"
            optional
            hint="7–40 hex characters. Empty releases the branch head."
            error={errors.revision}
            errorTestId="field-error-revision"
            testId="release-revision"
          >
            {(c) => (
              <input
                {...c}
                className="mono"
                value={revision}
                onChange={(e) => setRevision(e.target.value)}
                placeholder="e.g. 3f9c2ab"
                spellCheck={false}
                autoComplete="off"
              />
            )}
          </Field>
        </Disclosure>

        <Disclosure
          label={`Pipeline variables${variables.length > 0 ? ` (${variables.length})` : ""}`}
          open={showVariables}
          onToggle={() => setShowVariables((v) => !v)}
          testId="release-variables-toggle"
          panelClassName="release-variables"
        >
          {variables.length === 0 && (
            <p className="field-hint">Values for variables declared by the pipeline (V2 pipelines).</p>
          )}
          {variables.map((row, i) => (
            <div className="variable-row" key={row.id}>
              <Field
                label={`Variable ${i + 1} name`}
                hideLabel
                error={errors[`variables.${i}.name`]}
                errorTestId={`field-error-variables-${i}-name`}
                testId={`release-variable-name-${i}`}
              >
                {(c) => (
                  <input
                    {...c}
                    className="mono"
                    placeholder="Name"
                    value={row.name}
                    onChange={(e) => updateVariable(i, { name: e.target.value })}
                  />
                )}
              </Field>
              <Field
                label={`Variable ${i + 1} value`}
                hideLabel
                error={errors[`variables.${i}.value`]}
                errorTestId={`field-error-variables-${i}-value`}
                testId={`release-variable-value-${i}`}
              >
                {(c) => (
                  <input
                    {...c}
                    placeholder="Value"
                    value={row.value}
                    onChange={(e) => updateVariable(i, { value: e.target.value })}
                  />
                )}
              </Field>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove variable ${i + 1}`}
                onClick={() => setVariables((rows) => rows.filter((_, j) => j !== i))}
                data-testid={`release-variable-remove-${i}`}
              >
                <TrashIcon size={14} />
              </button>
            </div>
          ))}
          <button
            type="button"
            className="link-button"
            onClick={() => setVariables((rows) => [...rows, { id: newRequestToken(), name: "", value: "" }])}
            data-testid="release-variable-add"
          >
            <PlusIcon size={13} />
            Add variable
          </button>
        </Disclosure>

        {failure && <ErrorNotice error={failure} testId="release-error" />}
      </DialogForm>
    </Modal>
  );
}
