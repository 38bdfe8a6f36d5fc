import { useState } from "react";
import type { ActionView } from "../../bindings/ActionView";
import type { AppError } from "../../bindings/AppError";
import { ErrorNotice } from "../ErrorNotice";
import { Field } from "../Field";
import { DialogFooter, DialogForm, Modal } from "../Modal";

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
      <DialogForm
        onSubmit={() => {
          if (!busy) onConfirm(comment.trim() === "" ? null : comment.trim());
        }}
        footer={
          <DialogFooter
            onCancel={onCancel}
            cancelTestId="approval-cancel"
            confirmLabel={busy ? (approve ? "Approving…" : "Rejecting…") : approve ? "Approve" : "Reject"}
            confirmTestId="approval-confirm"
            danger={!approve}
            busy={busy}
          />
        }
      >
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
        <Field
          label="Comment"
          optional
          error={fieldError?.message}
          errorTestId="approval-comment-error"
          testId="approval-comment"
        >
          {(c) => (
            <textarea
              {...c}
              value={comment}
              rows={3}
              onChange={(e) => setComment(e.target.value)}
              placeholder="Shown in the execution's history"
            />
          )}
        </Field>
        {error && !fieldError && <ErrorNotice error={error} testId="approval-error" />}
      </DialogForm>
    </Modal>
  );
}
