import { useId, useState } from "react";
import type { AppError } from "../../bindings/AppError";
import { shortId } from "../../lib/format";
import { ErrorNotice } from "../ErrorNotice";
import { RetryIcon, StopCircleIcon } from "../Icons";
import { Modal } from "../Modal";

type StopDialogProps = {
  pipeline: string;
  executionId: string;
  busy: boolean;
  error: AppError | null;
  onConfirm: (abandon: boolean, reason: string | null) => void;
  onCancel: () => void;
};

/** Stop a running execution: let running actions finish, or abandon them. */
export function StopDialog({ pipeline, executionId, busy, error, onConfirm, onCancel }: StopDialogProps) {
  const [abandon, setAbandon] = useState(false);
  const [reason, setReason] = useState("");
  const id = useId();
  return (
    <Modal title={`Stop execution ${shortId(executionId)}?`} onClose={onCancel} busy={busy} size="small" testId="stop-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) onConfirm(abandon, reason.trim() === "" ? null : reason.trim());
        }}
      >
        <div className="modal-body">
          <p className="confirm-body">
            The current execution of <strong>{pipeline}</strong> stops; stages after the running one do not start.
          </p>
          <fieldset className="choice-group">
            <legend className="choice-legend">How to stop</legend>
            <div className="choice-cards choice-cards-column">
              <label className="choice-card">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  checked={!abandon}
                  onChange={() => setAbandon(false)}
                  data-testid="stop-mode-wait"
                />
                <span className="choice-text">
                  <span className="choice-title">Stop and wait</span>
                  <span className="choice-description">Running actions finish first (a build completes).</span>
                </span>
              </label>
              <label className="choice-card">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  checked={abandon}
                  onChange={() => setAbandon(true)}
                  data-testid="stop-mode-abandon"
                />
                <span className="choice-text">
                  <span className="choice-title">Stop and abandon</span>
                  <span className="choice-description">
                    Running actions are abandoned now. A deploy may be left half done.
                  </span>
                </span>
              </label>
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              Reason<span className="optional">optional</span>
            </label>
            <input
              id={`${id}-reason`}
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Shown in the execution's history"
              data-testid="stop-reason"
            />
          </div>
          {error && <ErrorNotice error={error} testId="stop-error" />}
        </div>
        <div className="modal-footer">
          <span className="spacer" />
          <button
            type="button"
            className="button"
            onClick={onCancel}
            disabled={busy}
            data-testid="stop-cancel"
            data-autofocus
          >
            Cancel
          </button>
          <button type="submit" className="button button-danger" disabled={busy} data-testid="stop-confirm">
            <StopCircleIcon size={14} />
            {busy ? "Stopping…" : abandon ? "Stop and abandon" : "Stop and wait"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

type RetryDialogProps = {
  stage: string;
  busy: boolean;
  error: AppError | null;
  onConfirm: (allActions: boolean) => void;
  onCancel: () => void;
};

/** Retry a failed stage: only its failed actions, or all of them. */
export function RetryDialog({ stage, busy, error, onConfirm, onCancel }: RetryDialogProps) {
  const [all, setAll] = useState(false);
  const id = useId();
  return (
    <Modal title={`Retry the ${stage} stage?`} onClose={onCancel} busy={busy} size="small" testId="retry-dialog">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) onConfirm(all);
        }}
      >
        <div className="modal-body">
          <p className="confirm-body">
            The same execution continues from <strong>{stage}</strong> with the same source revision.
          </p>
          <fieldset className="choice-group">
            <legend className="choice-legend">What to run again</legend>
            <div className="choice-cards choice-cards-column">
              <label className="choice-card">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  checked={!all}
                  onChange={() => setAll(false)}
                  data-testid="retry-mode-failed"
                />
                <span className="choice-text">
                  <span className="choice-title">Failed actions</span>
                  <span className="choice-description">Only the actions that failed run again.</span>
                </span>
              </label>
              <label className="choice-card">
                <input
                  type="radio"
                  name={`${id}-mode`}
                  checked={all}
                  onChange={() => setAll(true)}
                  data-testid="retry-mode-all"
                />
                <span className="choice-text">
                  <span className="choice-title">All actions</span>
                  <span className="choice-description">Every action of the stage runs again.</span>
                </span>
              </label>
            </div>
          </fieldset>
          {error && <ErrorNotice error={error} testId="retry-error" />}
        </div>
        <div className="modal-footer">
          <span className="spacer" />
          <button
            type="button"
            className="button"
            onClick={onCancel}
            disabled={busy}
            data-testid="retry-cancel"
            data-autofocus
          >
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy} data-testid="retry-confirm">
            <RetryIcon size={14} />
            {busy ? "Retrying…" : "Retry stage"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
