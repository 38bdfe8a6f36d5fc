import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { failedRollout } from "../../test/pipelines";
import { RolloutPanel } from "./RolloutPanel";

describe("ECS rollout panel", () => {
  it("shows tasks coming up and Rust's note on a rollout that takes too long", () => {
    render(
      <RolloutPanel
        testId="r"
        rollout={failedRollout({
          state: "IN_PROGRESS",
          rolledBack: false,
          rolledBackTo: null,
          reason: null,
          desired: 2,
          running: 1,
          pending: 1,
          failedTasks: 0,
          stoppedTasks: [],
          stalled: "1 of 2 tasks running after 12 min; the action times out after 60",
          summary: "1 of 2 tasks running after 12 min; the action times out after 60",
        })}
      />,
    );
    const panel = screen.getByTestId("r");
    expect(panel).toHaveAttribute("data-state", "IN_PROGRESS");
    expect(within(panel).getByRole("meter")).toHaveAttribute("aria-valuenow", "1");
    expect(within(panel).getByTestId("r-stalled")).toHaveTextContent("the action times out after 60");
    expect(panel).toHaveTextContent("1 running · 1 pending · 0 failed of 2");
  });

  it("groups stopped tasks with the same cause, and shows no counts ECS no longer has", () => {
    const task = failedRollout().stoppedTasks[0]!;
    render(
      <RolloutPanel
        testId="r"
        rollout={failedRollout({
          createdAt: null,
          stoppedTasks: [task, { ...task, taskId: "aaaa1111" }, { ...task, taskId: "bbbb2222" }],
        })}
      />,
    );
    const tasks = screen.getByTestId("r-tasks");
    expect(within(tasks).getAllByRole("listitem")).toHaveLength(1);
    expect(tasks).toHaveTextContent("3 tasks · TaskFailedToStart");
    expect(screen.queryByRole("meter")).toBeNull();
    expect(screen.getByTestId("r")).not.toHaveTextContent("running ·");
  });
});
