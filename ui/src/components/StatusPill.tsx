import type { ReactNode } from "react";
import { statusLabel, statusTone, type Tone } from "../lib/status";

/** The colours a pill comes in; `running` adds a pulsing dot. */
export type PillTone = "success" | "danger" | "running" | "warning" | "accent" | "neutral" | "muted";

type StatusPillProps = {
  tone: PillTone;
  /** `data-status`: the raw status the pill shows, for tests. */
  status?: string;
  testId?: string;
  className?: string;
  children: ReactNode;
};

/** A short status as a coloured pill: every status, outcome or state label of the app is one of these. */
export function StatusPill({ tone, status, testId, className, children }: StatusPillProps) {
  return (
    <span className={className ? `pill pill-${tone} ${className}` : `pill pill-${tone}`} data-testid={testId} data-status={status}>
      {tone === "running" && <span className="pulse-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

const PIPELINE_TONE: Record<Tone, PillTone> = {
  success: "success",
  danger: "danger",
  running: "running",
  warning: "warning",
  neutral: "neutral",
  none: "muted",
};

/** A CodePipeline status (of a pipeline, stage, action or execution): "In progress", "Failed", … */
export function PipelineStatusPill({
  status,
  label,
  testId,
}: {
  status: string | null | undefined;
  /** Instead of the status's own label (e.g. "Never run"). */
  label?: string;
  testId?: string;
}) {
  return (
    <StatusPill tone={PIPELINE_TONE[statusTone(status)]} status={status ?? "none"} testId={testId}>
      {label ?? statusLabel(status)}
    </StatusPill>
  );
}
