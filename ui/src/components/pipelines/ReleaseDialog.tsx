import { useId, useRef, useState } from "react";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { PipelineVariable } from "../../bindings/PipelineVariable";
import type { PipelineView } from "../../bindings/PipelineView";
import type { Session } from "../../bindings/Session";
import { shortId } from "../../lib/format";
import { useReleaseStart } from "../../lib/pipelines";
import { isCommitId, newRequestToken, validateRelease, type Errors, type VariableRow } from "../../lib/release/request";
import { ErrorNotice } from "../ErrorNotice";
import { ChevronRightIcon, PlusIcon, RocketIcon, TrashIcon } from "../Icons";
import { Modal } from "../Modal";
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
  const ids = useId();

  const source = view.repository ? `${view.repository}${view.branch ? `@${view.branch}` : ""}` : null;
  const latest = view.latest;
  const latestRevision = latest?.revisions[0] ?? null;
  const pinned = pinCommit && isCommitId(revision.trim()) ? revision.trim() : "";

  async function confirm() {
    // A second click before React re-renders the disabled button lands here: ignore it.
    if (inFlight.current) return;
    const checked = validateRelease(pinCommit ? revision : "", variables);
    setErrors(checked.errors);
    if (!checked.request) return;
    inFlight.current = true;
    setBusy(true);
    setFailure(null);
    // The end of the release may notify: ask for the permission now, while the user is clicking.
    void api.desktop.prepareNotifications();
    try {
      const executionId = await release.mutateAsync({
        pipeline: view.name,
        revision: checked.request.revision,
        variables: checked.request.variables,
        clientRequestToken: token,
      });
      onStarted(executionId);
    } catch (caught) {
      const error = toAppError(caught);
      const field = error.code === "validation" && error.field ? checked.fieldOf(error.field) : null;
      if (field) setErrors({ [field]: error.message });
      else setFailure(error);
      // Opening the variables or commit section when Rust points at one of their fields.
      if (field?.startsWith("variables.")) setShowVariables(true);
      if (field === "revision") setPinCommit(true);
      inFlight.current = false;
      setBusy(false);
    }
  }

  function updateVariable(index: number, patch: Partial<PipelineVariable>) {
    setVariables((rows) => rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  }

  return (
    <Modal title={`Release ${view.name} to prod?`} onClose={onClose} busy={busy} testId="release-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void confirm();
        }}
        noValidate
      >
        <div className="modal-body release-body">
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

          <div className="disclosure">
            <button
              type="button"
              className="disclosure-toggle"
              aria-expanded={pinCommit}
              onClick={() => setPinCommit((v) => !v)}
              data-testid="release-pin-toggle"
            >
              <ChevronRightIcon size={14} className="disclosure-chevron" />
              Release a specific commit
            </button>
            {pinCommit && (
              <div className="disclosure-panel field">
                <label htmlFor={`${ids}-revision`}>
                  Commit id<span className="optional">optional</span>
                </label>
                <input
                  id={`${ids}-revision`}
                  className="mono"
                  value={revision}
                  onChange={(e) => setRevision(e.target.value)}
                  placeholder="e.g. 3f9c2ab"
                  spellCheck={false}
                  autoComplete="off"
                  aria-invalid={errors.revision ? true : undefined}
                  aria-describedby={`${ids}-revision-message`}
                  data-testid="release-revision"
                />
                {errors.revision ? (
                  <p className="field-error" id={`${ids}-revision-message`} data-testid="field-error-revision">
                    {errors.revision}
                  </p>
                ) : (
                  <p className="field-hint" id={`${ids}-revision-message`}>
                    7–40 hex characters. Empty releases the branch head.
                  </p>
                )}
              </div>
            )}
          </div>

          <div className="disclosure">
            <button
              type="button"
              className="disclosure-toggle"
              aria-expanded={showVariables}
              onClick={() => setShowVariables((v) => !v)}
              data-testid="release-variables-toggle"
            >
              <ChevronRightIcon size={14} className="disclosure-chevron" />
              Pipeline variables{variables.length > 0 ? ` (${variables.length})` : ""}
            </button>
            {showVariables && (
              <div className="disclosure-panel release-variables">
                {variables.length === 0 && (
                  <p className="field-hint">Values for variables declared by the pipeline (V2 pipelines).</p>
                )}
                {variables.map((row, i) => (
                  <div className="variable-row" key={row.id}>
                    <div className="field">
                      <label htmlFor={`${ids}-var-${row.id}-name`} className="visually-hidden">
                        Variable {i + 1} name
                      </label>
                      <input
                        id={`${ids}-var-${row.id}-name`}
                        className="mono"
                        placeholder="Name"
                        value={row.name}
                        onChange={(e) => updateVariable(i, { name: e.target.value })}
                        aria-invalid={errors[`variables.${i}.name`] ? true : undefined}
                        data-testid={`release-variable-name-${i}`}
                      />
                      {errors[`variables.${i}.name`] && (
                        <p className="field-error" data-testid={`field-error-variables-${i}-name`}>
                          {errors[`variables.${i}.name`]}
                        </p>
                      )}
                    </div>
                    <div className="field">
                      <label htmlFor={`${ids}-var-${row.id}-value`} className="visually-hidden">
                        Variable {i + 1} value
                      </label>
                      <input
                        id={`${ids}-var-${row.id}-value`}
                        placeholder="Value"
                        value={row.value}
                        onChange={(e) => updateVariable(i, { value: e.target.value })}
                        aria-invalid={errors[`variables.${i}.value`] ? true : undefined}
                        data-testid={`release-variable-value-${i}`}
                      />
                      {errors[`variables.${i}.value`] && (
                        <p className="field-error" data-testid={`field-error-variables-${i}-value`}>
                          {errors[`variables.${i}.value`]}
                        </p>
                      )}
                    </div>
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
              </div>
            )}
          </div>

          {failure && <ErrorNotice error={failure} testId="release-error" />}
        </div>
        <div className="modal-footer">
          <span className="spacer" />
          <button
            type="button"
            className="button"
            onClick={onClose}
            disabled={busy}
            data-testid="release-cancel"
            data-autofocus
          >
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="release-confirm">
            <RocketIcon size={14} />
            {busy ? "Starting…" : "Release to prod"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
