import type { ReactNode } from "react";
import { Modal } from "./Modal";

type ConfirmDialogProps = {
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  busy?: boolean;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busyLabel,
  busy = false,
  danger = false,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  return (
    <Modal title={title} onClose={onCancel} busy={busy} size="small" testId="confirm-dialog">
      <div className="modal-body confirm-body">{children}</div>
      <div className="modal-footer">
        <span className="spacer" />
        <button type="button" className="button" onClick={onCancel}
          disabled={busy}
          data-testid="confirm-cancel"
          data-autofocus
        >
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "button button-danger" : "button button-primary"}
          onClick={onConfirm}
          disabled={busy}
          data-testid="confirm-ok"
        >
          {busy ? (busyLabel ?? confirmLabel) : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
