import type { Rollout } from "../../bindings/Rollout";
import type { RolloutState } from "../../bindings/RolloutState";
import type { StoppedTask } from "../../bindings/StoppedTask";

const STATE: Record<RolloutState, { label: string; tone: "running" | "success" | "danger" }> = {
  IN_PROGRESS: { label: "Rolling out", tone: "running" },
  COMPLETED: { label: "Completed", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
};

/**
 * The ECS deployment under a deploy action, as ECS tells it: tasks coming up (running / desired),
 * failed tasks with their reasons, a rollback by the circuit breaker, a rollout that takes too long.
 * The words (summary, stall note) come from Rust; every AWS string is rendered as text.
 */
export function RolloutPanel({ rollout, testId }: { rollout: Rollout; testId: string }) {
  const state = STATE[rollout.state];
  const desired = Math.max(rollout.desired, 0);
  const shown = desired > 0 ? Math.min(rollout.running / desired, 1) : rollout.state === "COMPLETED" ? 1 : 0;
  // ECS stops listing a deployment once another replaced it; its events still tell how it ended,
  // but not its task counts.
  const counted = rollout.createdAt !== null;
  const groups = groupTasks(rollout.stoppedTasks);
  return (
    <div className={`rollout rollout-${state.tone}`} data-testid={testId} data-state={rollout.state}>
      <div className="rollout-head">
        <span className="rollout-title">ECS rollout</span>
        <span className={`rollout-state rollout-state-${state.tone}`}>{state.label}</span>
      </div>
      {counted && (
      <div
        className="rollout-meter"
        role="meter"
        aria-label="Tasks running"
        aria-valuemin={0}
        aria-valuemax={desired}
        aria-valuenow={rollout.running}
      >
        <span style={{ width: `${Math.round(shown * 100)}%` }} />
      </div>
      )}
      <p className="rollout-summary" data-testid={`${testId}-summary`}>
        {rollout.summary}
      </p>
      {counted && rollout.state !== "COMPLETED" && (
        <p className="rollout-counts">
          {rollout.running} running · {rollout.pending} pending · {rollout.failedTasks} failed of {rollout.desired}
        </p>
      )}
      {rollout.rolledBack && (
        <p className="rollout-rolled-back" data-testid={`${testId}-rolled-back`}>
          Rolled back by the circuit breaker{rollout.rolledBackTo ? ` to ${rollout.rolledBackTo}` : ""}
        </p>
      )}
      {rollout.stalled && rollout.state === "IN_PROGRESS" && (
        <p className="rollout-stalled" data-testid={`${testId}-stalled`}>
          {rollout.stalled}
        </p>
      )}
      {rollout.stoppedTasks.length > 0 && (
        <details className="rollout-tasks" open={rollout.state === "FAILED"}>
          <summary>
            {rollout.stoppedTasks.length === 1 ? "1 stopped task" : `${rollout.stoppedTasks.length} stopped tasks`}
          </summary>
          <ul data-testid={`${testId}-tasks`}>
            {groups.map((g) => (
              <StoppedTaskRow key={g.tasks[0]!.taskId} task={g.tasks[0]!} count={g.tasks.length} ids={g.tasks.map((t) => t.taskId)} />
            ))}
          </ul>
        </details>
      )}
      <code className="rollout-id" title={rollout.deploymentId}>
        {rollout.deploymentId}
      </code>
    </div>
  );
}

/** Stopped tasks with the same reason, once each (a circuit breaker stops several for one cause). */
function groupTasks(tasks: StoppedTask[]): { tasks: StoppedTask[] }[] {
  const groups = new Map<string, StoppedTask[]>();
  for (const t of tasks) {
    const key = JSON.stringify([t.stoppedReason, t.stopCode, t.containers.map((c) => [c.name, c.exitCode, c.reason])]);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((list) => ({ tasks: list }));
}

function StoppedTaskRow({ task, count, ids }: { task: StoppedTask; count: number; ids: string[] }) {
  const exits = task.containers.filter(
    (c) => (c.reason && c.reason !== task.stoppedReason) || (c.exitCode !== null && c.exitCode !== 0),
  );
  return (
    <li className="rollout-task">
      <span className="rollout-task-reason">{task.stoppedReason ?? "Stopped"}</span>
      {exits.map((c) => (
        <span key={c.name} className="rollout-task-exit">
          {c.name}
          {c.exitCode !== null ? ` exited ${c.exitCode}` : ""}
          {c.reason && c.reason !== task.stoppedReason ? `: ${c.reason}` : ""}
        </span>
      ))}
      <code className="rollout-task-id" title={ids.join("\n")}>
        {count === 1 ? `task ${task.taskId.slice(0, 8)}` : `${count} tasks`}
        {task.stopCode ? ` · ${task.stopCode}` : ""}
      </code>
    </li>
  );
}
