import type { PhaseRecord } from "../../bindings/PhaseRecord";
import { useNow } from "../../lib/clock";
import { formatDuration } from "../../lib/format";
import { buildStatusLabel, isFailedStatus, phaseLabel, toMsOrNull } from "../../lib/history/records";
import { AlertIcon } from "../Icons";

type Shown = { phase: PhaseRecord; seconds: number; running: boolean; failed: boolean };

function isFailed(phase: PhaseRecord): boolean {
  return isFailedStatus(phase.status);
}

/**
 * The build's phases left to right, each as wide as its share of the build's time (with a minimum so
 * short phases stay visible); a failed phase is highlighted and its CodeBuild messages listed below.
 */
export function PhaseTimeline({ phases, running }: { phases: PhaseRecord[]; running: boolean }) {
  const now = useNow(running ? 1000 : 60_000);
  const shown: Shown[] = phases
    .filter((p) => p.phase !== "COMPLETED")
    .map((phase) => {
      const start = toMsOrNull(phase.startMs);
      const end = toMsOrNull(phase.endMs);
      const open = running && end === null && start !== null;
      const seconds = phase.durationSeconds ?? (open ? Math.max(0, (now - start) / 1000) : 0);
      return { phase, seconds, running: open, failed: isFailed(phase) };
    });
  const total = shown.reduce((sum, p) => sum + p.seconds, 0);
  const failed = shown.filter((p) => p.failed);

  if (shown.length === 0) {
    return <div className="card-empty">CodeBuild has not reported any phase yet.</div>;
  }
  return (
    <div className="history-card-body">
      <ol className="history-timeline" aria-label="Phases">
        {shown.map(({ phase, seconds, running: open, failed: bad }) => {
          const tone = open ? "running" : bad ? "danger" : phase.status === "SUCCEEDED" ? "success" : "stopped";
          return (
            <li
              key={phase.phase}
              className={`history-timeline-phase history-timeline-${tone}`}
              style={{ flexGrow: Math.max(seconds, total * 0.03, 0.001) }}
              title={`${phaseLabel(phase.phase)}: ${formatDuration(seconds)} (${buildStatusLabel(phase.status ?? (open ? "IN_PROGRESS" : null))})`}
              data-testid={`build-phase-${phase.phase}`}
              data-status={phase.status ?? (open ? "IN_PROGRESS" : "none")}
            >
              <span className="history-timeline-name">{phaseLabel(phase.phase)}</span>
              <span className="history-timeline-time">{formatDuration(seconds)}</span>
            </li>
          );
        })}
      </ol>
      <ul className="history-phase-list">
        {shown.map(({ phase, seconds, running: open, failed: bad }) => (
          <li key={phase.phase} className={bad ? "history-phase-list-failed" : undefined}>
            <span className={`history-dot history-dot-${open ? "running" : bad ? "danger" : phase.status === "SUCCEEDED" ? "success" : "stopped"}`} aria-hidden="true" />
            <span className="history-phase-list-name">{phaseLabel(phase.phase)}</span>
            <span className="history-phase-list-time">{formatDuration(seconds)}</span>
            {bad && <span className="history-phase-list-status">{buildStatusLabel(phase.status)}</span>}
          </li>
        ))}
      </ul>
      {failed.map(({ phase }) => (
        <div key={phase.phase} className="notice notice-error history-phase-failure" data-testid="build-phase-messages">
          <AlertIcon size={16} className="notice-icon" />
          <div className="notice-body">
            <div className="notice-title">
              {phaseLabel(phase.phase)} {buildStatusLabel(phase.status).toLowerCase()}
            </div>
            {phase.messages.length > 0 ? (
              <ul className="history-phase-messages">
                {phase.messages.map((m, i) => (
                  <li key={i}>{m}</li>
                ))}
              </ul>
            ) : (
              <div className="notice-message">CodeBuild gave no message for this phase; the log below says more.</div>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}
