import { createContext, useContext } from "react";
import type { AppError } from "../bindings/AppError";

export type ToastKind = "success" | "error" | "info";

export type Toast = {
  id: number;
  kind: ToastKind;
  title: string;
  message: string | null;
};

export type ToastApi = {
  success: (title: string, message?: string) => void;
  info: (title: string, message?: string) => void;
  /** Show an AppError (one without a form field to attach to). */
  error: (error: AppError) => void;
  dismiss: (id: number) => void;
};

export const ToastContext = createContext<ToastApi | null>(null);

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>");
  return api;
}
