import type { ReactNode } from "react";
import { DialogBody, DialogFooter, Modal } from "./Modal";

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

/** "Are you sure?": a short text, Cancel (focused) and the confirm button. */
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
      <DialogBody className="confirm-body">{children}</DialogBody>
      <DialogFooter
        onCancel={onCancel}
        cancelTestId="confirm-cancel"
        confirmLabel={busy ? (busyLabel ?? confirmLabel) : confirmLabel}
        confirmTestId="confirm-ok"
        danger={danger}
        busy={busy}
        onConfirm={onConfirm}
      />
    </Modal>
  );
}
