import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { describeError } from "../lib/errors";
import { ToastContext, type Toast, type ToastApi, type ToastKind } from "../lib/toast";
import { AlertIcon, CheckCircleIcon, CloseIcon, InfoIcon } from "./Icons";

const DURATION_MS: Record<ToastKind, number> = {
  success: 4000,
  info: 5000,
  error: 9000,
};

const MAX_TOASTS = 4;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    const timer = timers.current.get(id);
    if (timer) clearTimeout(timer);
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);

  const push = useCallback(
    (kind: ToastKind, title: string, message: string | null) => {
      const id = nextId.current++;
      setToasts((list) => [...list, { id, kind, title, message }].slice(-MAX_TOASTS));
      timers.current.set(
        id,
        setTimeout(() => dismiss(id), DURATION_MS[kind]),
      );
    },
    [dismiss],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    };
  }, []);

  const api = useMemo<ToastApi>(
    () => ({
      success: (title, message) => push("success", title, message ?? null),
      info: (title, message) => push("info", title, message ?? null),
      error: (error) => {
        const { title, message, hint } = describeError(error);
        push("error", title, hint ? `${message} ${hint}` : message);
      },
      dismiss,
    }),
    [push, dismiss],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <div className="toasts" aria-live="polite" aria-label="Notifications">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className={`toast toast-${toast.kind}`}
            role={toast.kind === "error" ? "alert" : "status"}
            data-testid="toast"
          >
            <span className="toast-icon">
              {toast.kind === "success" ? (
                <CheckCircleIcon size={18} />
              ) : toast.kind === "error" ? (
                <AlertIcon size={18} />
              ) : (
                <InfoIcon size={18} />
              )}
            </span>
            <div className="toast-body">
              <div className="toast-title">{toast.title}</div>
              {toast.message && <div className="toast-message">{toast.message}</div>}
            </div>
            <button
              type="button"
              className="icon-button toast-close"
              aria-label="Dismiss notification"
              onClick={() => dismiss(toast.id)}
            >
              <CloseIcon size={14} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
