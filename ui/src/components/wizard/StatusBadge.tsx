import type { StepAction } from "../../bindings/StepAction";
import type { StepStatus } from "../../bindings/StepStatus";
import { AlertIcon, CheckCircleIcon, ClockIcon, TrashIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { StatusPill, type PillTone } from "../StatusPill";

const CONNECTION_TONE: Record<string, PillTone> = { AVAILABLE: "success", PENDING: "warning", ERROR: "danger" };

/** A connection's status as AWS reports it (PENDING, AVAILABLE, ERROR, or anything else as is). */
export function ConnectionBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <StatusPill tone={CONNECTION_TONE[status] ?? "neutral"} testId={testId}>
      {status}
    </StatusPill>
  );
}

const ACTION_TONE: Record<StepAction, PillTone> = { create: "accent", reuse: "neutral", update: "warning", skip: "muted" };

/** What Create will do to a resource: create, reuse, update or skip. */
export function ActionBadge({ action }: { action: StepAction }) {
  return <StatusPill tone={ACTION_TONE[action]}>{action}</StatusPill>;
}

const STATUS_LABEL: Record<StepStatus, string> = {
  pending: "Pending",
  running: "Running",
  waiting: "Waiting for you",
  created: "Created",
  reused: "Reused",
  updated: "Updated",
  skipped: "Skipped",
  failed: "Failed",
  deleted: "Deleted",
  restored: "Restored",
};

/** The icon of a live step status. */
export function StatusIcon({ status }: { status: StepStatus }) {
  switch (status) {
    case "pending":
      return <span className="status-icon status-pending" aria-hidden="true" />;
    case "running":
      return (
        <span className="status-icon status-running">
          <Spinner size={14} />
        </span>
      );
    case "waiting":
      return <ClockIcon size={18} className="status-icon status-waiting" />;
    case "created":
    case "updated":
      return <CheckCircleIcon size={18} className="status-icon status-done" />;
    case "reused":
    case "skipped":
      return <CheckCircleIcon size={18} className="status-icon status-neutral" />;
    case "failed":
      return <AlertIcon size={18} className="status-icon status-failed" />;
    case "deleted":
      return <TrashIcon size={18} className="status-icon status-neutral" />;
    case "restored":
      return <CheckCircleIcon size={18} className="status-icon status-neutral" />;
  }
}

/** What happened to a resource in a run (Created, Reused, Failed, …). */
export function OutcomeBadge({ status }: { status: StepStatus }) {
  const tone: PillTone =
    status === "created" || status === "updated"
      ? "success"
      : status === "failed"
        ? "danger"
        : status === "waiting" || status === "running"
          ? "warning"
          : "neutral";
  return <StatusPill tone={tone}>{STATUS_LABEL[status]}</StatusPill>;
}
