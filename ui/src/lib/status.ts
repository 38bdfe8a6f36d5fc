/**
 * How pipeline, stage and action statuses look. CodePipeline's status strings are shown as they
 * come (with a friendlier label for the few that are run together); which execution is running and
 * how often to poll come from Rust.
 */

import { EXECUTION_RUNNING } from "../bindings/statusMeaning";

export type Tone = "success" | "danger" | "running" | "warning" | "neutral" | "none";

const TONES: Record<string, Tone> = {
  Succeeded: "success",
  Failed: "danger",
  InProgress: "running",
  Stopping: "warning",
  Stopped: "warning",
  Abandoned: "warning",
  Cancelled: "neutral",
  Superseded: "neutral",
};

const LABELS: Record<string, string> = {
  InProgress: "In progress",
};

export function statusTone(status: string | null | undefined): Tone {
  if (!status) return "none";
  return TONES[status] ?? "neutral";
}

/** "In progress", "Succeeded", …; "Not run" when there is no status. */
export function statusLabel(status: string | null | undefined): string {
  if (!status) return "Not run";
  return LABELS[status] ?? status;
}

/** An execution, stage or action that has not ended yet (Rust's `ExecutionStatus::running`). */
export function isRunning(status: string | null | undefined): boolean {
  return !!status && EXECUTION_RUNNING.includes(status);
}

const TRIGGERS: Record<string, string> = {
  StartPipelineExecution: "Manual release",
  Webhook: "Webhook",
  WebhookV2: "Webhook",
  CloudWatchEvent: "EventBridge rule",
  CreatePipeline: "Pipeline created",
  PutActionRevision: "Action revision",
  PollForSourceChanges: "Source change",
  ManualRollback: "Manual rollback",
  AutomatedRollback: "Automatic rollback",
};

/** What started an execution, in words. */
export function triggerLabel(trigger: string | null | undefined): string {
  if (!trigger) return "—";
  return TRIGGERS[trigger] ?? trigger;
}
