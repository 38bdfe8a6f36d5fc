import type { ReactNode } from "react";
import type { AppError } from "../bindings/AppError";
import { describeError } from "../lib/errors";
import { AlertIcon } from "./Icons";

type ErrorNoticeProps = {
  error: AppError;
  /** "banner" is the prominent variant used for keyring problems and failed page loads. */
  variant?: "inline" | "banner";
  action?: ReactNode;
  testId?: string;
};

/** An AppError as text: headline, Rust's message, and what to do about it. */
export function ErrorNotice({ error, variant = "inline", action, testId }: ErrorNoticeProps) {
  const { title, message, hint } = describeError(error);
  return (
    <div className={`notice notice-error notice-${variant}`} role="alert" data-testid={testId} data-code={error.code}>
      <AlertIcon size={variant === "banner" ? 20 : 16} className="notice-icon" />
      <div className="notice-body">
        <div className="notice-title">{title}</div>
        <div className="notice-message">{message}</div>
        {hint && <div className="notice-hint">{hint}</div>}
      </div>
      {action && <div className="notice-action">{action}</div>}
    </div>
  );
}

type QueryErrorProps = {
  /** A TanStack query (or anything with its error, refetch and isFetching). */
  query: { error: AppError | null; refetch: () => unknown; isFetching?: boolean };
  variant?: "inline" | "banner";
  testId?: string;
};

/** A failed query's error, with a Try again that fetches it again. */
export function QueryError({ query, variant, testId }: QueryErrorProps) {
  if (!query.error) return null;
  return (
    <ErrorNotice
      error={query.error}
      variant={variant}
      testId={testId}
      action={
        <button type="button" className="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
          Try again
        </button>
      }
    />
  );
}
