import { useState } from "react";
import type { AppError } from "../../bindings/AppError";
import { shortId } from "../../lib/format";
import { ChoiceCards } from "../ChoiceCards";
import { ErrorNotice } from "../ErrorNotice";
import { RetryIcon, StopCircleIcon } from "../Icons";
import { Field } from "../Field";
import { DialogFooter, DialogForm, Modal } from "../Modal";

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
  return (
    <Modal title={`Stop execution ${shortId(executionId)}?`} onClose={onCancel} busy={busy} size="small" testId="stop-dialog">
      <DialogForm
        onSubmit={() => {
          if (!busy) onConfirm(abandon, reason.trim() === "" ? null : reason.trim());
        }}
        footer={
          <DialogFooter
            onCancel={onCancel}
            cancelTestId="stop-cancel"
            confirmLabel={busy ? "Stopping…" : abandon ? "Stop and abandon" : "Stop and wait"}
            confirmTestId="stop-confirm"
            confirmIcon={<StopCircleIcon size={14} />}
            danger
            busy={busy}
          />
        }
      >
        <p className="confirm-body">
          The current execution of <strong>{pipeline}</strong> stops; stages after the running one do not start.
        </p>
        <ChoiceCards
          legend="How to stop"
          layout="column"
          value={abandon ? "abandon" : "wait"}
          onChange={(mode) => setAbandon(mode === "abandon")}
          choices={[
            {
              value: "wait",
              title: "Stop and wait",
              description: "Running actions finish first (a build completes).",
              testId: "stop-mode-wait",
            },
            {
              value: "abandon",
              title: "Stop and abandon",
              description: "Running actions are abandoned now. A deploy may be left half done.",
              testId: "stop-mode-abandon",
            },
          ]}
        />
        <Field label="Reason" optional testId="stop-reason">
          {(c) => (
            <input
              {...c}
              value={reason}
              maxLength={200}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Shown in the execution's history"
            />
          )}
        </Field>
        {error && <ErrorNotice error={error} testId="stop-error" />}
      </DialogForm>
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
  return (
    <Modal title={`Retry the ${stage} stage?`} onClose={onCancel} busy={busy} size="small" testId="retry-dialog">
      <DialogForm
        onSubmit={() => {
          if (!busy) onConfirm(all);
        }}
        footer={
          <DialogFooter
            onCancel={onCancel}
            cancelTestId="retry-cancel"
            confirmLabel={busy ? "Retrying…" : "Retry stage"}
            confirmTestId="retry-confirm"
            confirmIcon={<RetryIcon size={14} />}
            busy={busy}
          />
        }
      >
        <p className="confirm-body">
          The same execution continues from <strong>{stage}</strong> with the same source revision.
        </p>
        <ChoiceCards
          legend="What to run again"
          layout="column"
          value={all ? "all" : "failed"}
          onChange={(mode) => setAll(mode === "all")}
          choices={[
            {
              value: "failed",
              title: "Failed actions",
              description: "Only the actions that failed run again.",
              testId: "retry-mode-failed",
            },
            { value: "all", title: "All actions", description: "Every action of the stage runs again.", testId: "retry-mode-all" },
          ]}
        />
        {error && <ErrorNotice error={error} testId="retry-error" />}
      </DialogForm>
    </Modal>
  );
}
