import { useEffect, useId, useRef, type ReactNode } from "react";
import { CloseIcon } from "./Icons";

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

type ModalProps = {
  title: ReactNode;
  description?: ReactNode;
  onClose: () => void;
  /** While busy, Escape and the close button do nothing. */
  busy?: boolean;
  size?: "small" | "medium";
  children: ReactNode;
  testId?: string;
};

/** A modal dialog: focus moves in, Tab stays in, Escape closes, focus returns on close. */
export function Modal({ title, description, onClose, busy = false, size = "medium", children, testId }: ModalProps) {
  const titleId = useId();
  const descriptionId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  const busyRef = useRef(busy);

  useEffect(() => {
    onCloseRef.current = onClose;
    busyRef.current = busy;
  });

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const node = panel.current;
    const first = node?.querySelector<HTMLElement>("[data-autofocus]") ?? node?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? node)?.focus();
    return () => previous?.focus();
  }, []);

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key === "Escape") {
      event.stopPropagation();
      if (!busyRef.current) onCloseRef.current();
      return;
    }
    if (event.key !== "Tab" || !panel.current) return;
    const items = Array.from(panel.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div className="modal-backdrop">
      <div
        ref={panel}
        className={`modal modal-${size}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <div className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              {title}
            </h2>
            {description && (
              <p id={descriptionId} className="modal-description">
                {description}
              </p>
            )}
          </div>
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={onClose}
            disabled={busy}
          >
            <CloseIcon size={16} />
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

type DialogFormProps = {
  /** Called on submit (Enter or the confirm button); the page does not reload. */
  onSubmit: () => void;
  className?: string;
  bodyClassName?: string;
  /** The dialog's footer, usually a DialogFooter. */
  footer: ReactNode;
  children: ReactNode;
};

/** A dialog's form: its body scrolls while the footer stays in view. */
export function DialogForm({ onSubmit, className, bodyClassName, footer, children }: DialogFormProps) {
  return (
    <form
      className={className}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <DialogBody className={bodyClassName}>{children}</DialogBody>
      {footer}
    </form>
  );
}

/** A dialog's content between the header and the footer. */
export function DialogBody({ className, children }: { className?: string; children: ReactNode }) {
  return <div className={className ? `modal-body ${className}` : "modal-body"}>{children}</div>;
}

type DialogFooterProps = {
  onCancel: () => void;
  cancelTestId: string;
  /** Cancel is disabled while busy unless this says otherwise. */
  cancelDisabled?: boolean;
  /** Focus Cancel when the dialog opens (the safe default); false where a field takes the focus. */
  focusCancel?: boolean;
  /** The confirm button's text (what it does, or what it is doing while busy). */
  confirmLabel: ReactNode;
  confirmTestId: string;
  confirmIcon?: ReactNode;
  /** Red confirm for what deletes or stops something. */
  danger?: boolean;
  busy?: boolean;
  /** Confirm disabled although not busy (nothing to confirm yet). */
  confirmDisabled?: boolean;
  /** Without it, confirm submits the dialog's form. */
  onConfirm?: () => void;
  /** On the left, before the spacer (e.g. Test connection). */
  start?: ReactNode;
};

/** A dialog's footer: Cancel, then the one button that confirms. */
export function DialogFooter({
  onCancel,
  cancelTestId,
  cancelDisabled,
  focusCancel = true,
  confirmLabel,
  confirmTestId,
  confirmIcon,
  danger = false,
  busy = false,
  confirmDisabled = false,
  onConfirm,
  start,
}: DialogFooterProps) {
  return (
    <div className="modal-footer">
      {start}
      <span className="spacer" />
      <button
        type="button"
        className="button"
        onClick={onCancel}
        disabled={cancelDisabled ?? busy}
        data-testid={cancelTestId}
        data-autofocus={focusCancel ? true : undefined}
      >
        Cancel
      </button>
      <button
        type={onConfirm ? "button" : "submit"}
        className={danger ? "button button-danger" : "button button-primary"}
        onClick={onConfirm}
        disabled={busy || confirmDisabled}
        data-testid={confirmTestId}
      >
        {confirmIcon}
        {confirmLabel}
      </button>
    </div>
  );
}
