import { useId, useState } from "react";
import type { ActionView } from "../../bindings/ActionView";
import type { AppError } from "../../bindings/AppError";
import { ErrorNotice } from "../ErrorNotice";
import { Modal } from "../Modal";

type ApprovalDialogProps = {
  stage: string;
  action: ActionView;
  approve: boolean;
  busy: boolean;
  error: AppError | null;
  onConfirm: (comment: string | null) => void;
  onCancel: () => void;
};

/** Approve or reject a waiting manual approval, with a comment kept in the execution's history. */
export function ApprovalDialog({ stage, action, approve, busy, error, onConfirm, onCancel }: ApprovalDialogProps) {
  const [comment, setComment] = useState("");
  const id = useId();
  const info = action.approval;
  const fieldError = error?.field === "comment" ? error : null;
  return (
    <Modal
      title={approve ? `Approve the release at ${stage}?` : `Reject the release at ${stage}?`}
      onClose={onCancel}
      busy={busy}
      size="small"
      testId="approval-dialog"
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) onConfirm(comment.trim() === "" ? null : comment.trim());
        }}
      >
        <div className="modal-body">
          <p className="confirm-body">
            {approve
              ? "The release goes on to the stages after this one."
              : "The execution stops here and fails; nothing after this stage runs for it."}
          </p>
          {info?.comments && (
            <p className="confirm-body approval-comments" data-testid="approval-request">
              {info.comments}
            </p>
          )}
          <div className="field">
            <label htmlFor={`${id}-comment`}>
              Comment<span className="optional">optional</span>
            </label>
            <textarea
              id={`${id}-comment`}
              value={comment}
              rows={3}
              onChange={(e) => setComment(e.target.value)}
              placeholder="Shown in the execution's history"
              aria-invalid={fieldError ? true : undefined}
              data-testid="approval-comment"
            />
            {fieldError && (
              <p className="field-error" data-testid="approval-comment-error">
                {fieldError.message}
              </p>
            )}
          </div>
          {error && !fieldError && <ErrorNotice error={error} testId="approval-error" />}
        </div>
        <div className="modal-footer">
          <span className="spacer" />
          <button type="button" className="button" onClick={onCancel} disabled={busy} data-testid="approval-cancel" data-autofocus>
            Cancel
          </button>
          <button
            type="submit"
            className={approve ? "button button-primary" : "button button-danger"}
            disabled={busy}
            data-testid="approval-confirm"
          >
            {busy ? (approve ? "Approving…" : "Rejecting…") : approve ? "Approve" : "Reject"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
