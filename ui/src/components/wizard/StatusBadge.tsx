import type { StepAction } from "../../bindings/StepAction";
import type { StepStatus } from "../../bindings/StepStatus";
import { AlertIcon, CheckCircleIcon, ClockIcon, TrashIcon } from "../Icons";
import { Spinner } from "../Spinner";

const CONNECTION_TONE: Record<string, string> = { AVAILABLE: "success", PENDING: "warning", ERROR: "danger" };

/** A connection's status as AWS reports it (PENDING, AVAILABLE, ERROR, or anything else as is). */
export function ConnectionBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`pill pill-${CONNECTION_TONE[status] ?? "neutral"}`} data-testid={testId}>
      {status}
    </span>
  );
}

const ACTION_TONE: Record<StepAction, string> = { create: "accent", reuse: "neutral", update: "warning", skip: "muted" };

export function ActionBadge({ action }: { action: StepAction }) {
  return <span className={`pill pill-${ACTION_TONE[action]}`}>{action}</span>;
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

export function OutcomeBadge({ status }: { status: StepStatus }) {
  const tone =
    status === "created" || status === "updated"
      ? "success"
      : status === "failed"
        ? "danger"
        : status === "waiting" || status === "running"
          ? "warning"
          : "neutral";
  return <span className={`pill pill-${tone}`}>{STATUS_LABEL[status]}</span>;
}
