import { memo } from "react";
import type { AppError } from "../../bindings/AppError";
import type { SourceRevision } from "../../bindings/SourceRevision";
import { useNow } from "../../lib/clock";
import { formatAgo, formatDateTime, formatDuration, parseTime, shortSha } from "../../lib/format";
import { statusLabel, statusTone } from "../../lib/status";
import { ErrorNotice } from "../ErrorNotice";
import { AlertIcon, CheckCircleIcon, ClockIcon, MinusCircleIcon, StopCircleIcon, XCircleIcon } from "../Icons";

/** The icon of a status, with its label for screen readers. */
export function StatusGlyph({ status, size = 16 }: { status: string | null | undefined; size?: number }) {
  const tone = statusTone(status);
  const label = <span className="visually-hidden">{statusLabel(status)}</span>;
  switch (tone) {
    case "success":
      return (
        <span className="glyph glyph-success">
          <CheckCircleIcon size={size} />
          {label}
        </span>
      );
    case "danger":
      return (
        <span className="glyph glyph-danger">
          <XCircleIcon size={size} />
          {label}
        </span>
      );
    case "running":
      return (
        <span className="glyph glyph-running">
          <span className="spinner glyph-spinner" aria-hidden="true" />
          {label}
        </span>
      );
    case "warning":
      return (
        <span className="glyph glyph-warning">
          <StopCircleIcon size={size} />
          {label}
        </span>
      );
    case "neutral":
      return (
        <span className="glyph glyph-neutral">
          <MinusCircleIcon size={size} />
          {label}
        </span>
      );
    case "none":
      return (
        <span className="glyph glyph-none">
          <span className="glyph-dot" aria-hidden="true" />
          {label}
        </span>
      );
  }
}

/** A commit: 7-character sha and the first line of its message, both as text. */
export const RevisionText = memo(function RevisionText({
  revision,
  testId,
}: {
  revision: SourceRevision | null | undefined;
  testId?: string;
}) {
  if (!revision?.revisionId) return <span className="muted">—</span>;
  return (
    <span className="revision" data-testid={testId} title={revision.summary ?? revision.revisionId}>
      <code className="revision-sha">{shortSha(revision.revisionId)}</code>
      {revision.summary && <span className="revision-summary">{revision.summary}</span>}
    </span>
  );
});

/** "5 min ago", kept up to date (one shared 15 s timer for every cell). */
export function Ago({ iso }: { iso: string | null | undefined }) {
  const now = useNow(15_000);
  const t = parseTime(iso);
  if (t === null) return <span className="muted">—</span>;
  return (
    <time dateTime={iso ?? undefined} title={formatDateTime(iso)}>
      {formatAgo(t, Math.max(now, t))}
    </time>
  );
}

/** Seconds since `iso`, ticking every second: "1m 20s". */
export function Elapsed({ iso }: { iso: string | null | undefined }) {
  const now = useNow(1000);
  const t = parseTime(iso);
  if (t === null) return null;
  return <>{formatDuration((now - t) / 1000)}</>;
}

/** How long an execution took, or has been running. */
export function ExecutionDuration({
  startedAt,
  durationSeconds,
  running,
}: {
  startedAt: string | null;
  durationSeconds: number | null;
  running: boolean;
}) {
  if (running && startedAt) return <Elapsed iso={startedAt} />;
  if (durationSeconds === null) return <span className="muted">—</span>;
  return <>{formatDuration(durationSeconds)}</>;
}

/** The error that paused polling, with a Try again that resumes it. */
export function PollError({ error, onRetry, retrying }: { error: AppError; onRetry: () => void; retrying: boolean }) {
  return (
    <ErrorNotice
      error={error}
      variant="banner"
      testId="poll-error"
      action={
        <div className="poll-error-action">
          <span className="poll-paused">
            <ClockIcon size={13} />
            Updates paused
          </span>
          <button type="button" className="button" onClick={onRetry} disabled={retrying} data-testid="poll-retry">
            {retrying ? "Trying…" : "Try again"}
          </button>
        </div>
      }
    />
  );
}

/** A short inline warning line (AWS-sourced text, rendered as text). */
export function ErrorLine({ text, testId }: { text: string; testId?: string }) {
  return (
    <p className="error-line" data-testid={testId}>
      <AlertIcon size={13} />
      <span title={text}>{text}</span>
    </p>
  );
}
