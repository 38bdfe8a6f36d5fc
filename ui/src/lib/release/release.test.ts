import { describe, expect, it } from "vitest";
import { NEW_ID, OLD_ID, PIPELINE, SESSION, action, execution, failedRollout, runningView, stage, view } from "../../test/pipelines";
import { parsePipelineName, pipelineHref } from "../router";
import { draftRelease } from "./request";
import { approvalNotification, endNotification, isReported, progressOf, windowTitle, type Watch } from "./watch";

function watch(overrides: Partial<Watch> = {}): Watch {
  return {
    key: "k",
    session: SESSION,
    pipeline: PIPELINE,
    executionId: NEW_ID,
    kind: "release",
    before: null,
    since: Date.now(),
    seen: false,
    ...overrides,
  };
}

describe("release request", () => {
  it("sends the trimmed commit, or null for the branch head; the rules are Rust's", () => {
    expect(draftRelease("", [])).toMatchObject({ revision: null, variables: [] });
    expect(draftRelease("  3f9c2ab  ", []).revision).toBe("3f9c2ab");
    // Not checked here: release_validate says what is wrong with it.
    expect(draftRelease("main", []).revision).toBe("main");
  });

  it("drops empty variable rows and maps Rust's indexes back to the rows on screen", () => {
    const rows = [
      { id: "a", name: "", value: "" },
      { id: "b", name: " TAG ", value: "v1" },
      { id: "c", name: "", value: "orphan" },
    ];
    const draft = draftRelease("", rows);
    expect(draft.variables).toEqual([
      { name: "TAG", value: "v1" },
      { name: "", value: "orphan" },
    ]);
    expect(draft.fieldOf("variables.0.name")).toBe("variables.1.name");
    expect(draft.fieldOf("variables.1.name")).toBe("variables.2.name");
    expect(draft.fieldOf("variables.5.name")).toBeNull();
    expect(draft.fieldOf("revision")).toBe("revision");
    expect(draft.fieldOf("pipeline")).toBeNull();
  });
});

describe("watching an execution", () => {
  it("knows when AWS reports a release or a retry", () => {
    expect(isReported(view(), watch())).toBe(false);
    expect(isReported(runningView(NEW_ID), watch())).toBe(true);
    expect(isReported(view(), watch({ since: Date.now() - 10 * 60_000 }))).toBe(true);

    const failed = view({ latest: execution({ id: NEW_ID, status: "Failed", updatedAt: "2025-01-01T10:05:00Z" }) });
    const retry = watch({ kind: "retry", before: "2025-01-01T10:05:00Z" });
    expect(isReported(failed, retry)).toBe(false);
    expect(isReported(runningView(NEW_ID), retry)).toBe(true);
  });

  it("puts the running stage in the window title", () => {
    const running = runningView(NEW_ID);
    const progress = progressOf(running, watch(), true, false);
    expect(progress).toMatchObject({ stage: "Build", n: 2, total: 3, percent: 50 });
    expect(windowTitle(progress)).toBe(`Pipewright — ${PIPELINE}: Build (2/3)`);
    expect(windowTitle(progressOf(view(), watch(), false, false))).toBe(`Pipewright — ${PIPELINE}: starting… (0/3)`);
    expect(windowTitle(null)).toBe("Pipewright");

    // Between stages: the next one.
    const between = view({
      stages: [stage({ name: "Source", executionId: NEW_ID }), stage({ name: "Build" }), stage({ name: "Deploy" })],
    });
    expect(progressOf(between, watch(), true, false)).toMatchObject({ stage: "Build", n: 2 });
  });

  it("says how an execution ended", () => {
    const failed = runningView(NEW_ID);
    failed.stages[1] = { ...failed.stages[1]!, status: "Failed", actions: [{ ...failed.stages[1]!.actions[0]!, error: "JobFailed: boom" }] };
    expect(endNotification(PIPELINE, execution({ id: NEW_ID, status: "Failed" }), failed)).toEqual({
      title: `${PIPELINE}: Failed`,
      body: "Execution 22222222 failed in Build. JobFailed: boom",
    });
    expect(endNotification(PIPELINE, execution({ id: OLD_ID, status: "Superseded" }), undefined).body).toContain("superseded");
    // CodePipeline said Succeeded, the circuit breaker rolled the deployment back: a failed release.
    const rolledBack = view({
      stages: [
        stage({
          name: "Deploy",
          status: "Succeeded",
          executionId: NEW_ID,
          actions: [action({ name: "Deploy", category: "Deploy", provider: "ECS", rollout: failedRollout() })],
        }),
      ],
    });
    expect(endNotification(PIPELINE, execution({ id: NEW_ID, status: "Failed" }), rolledBack)).toEqual({
      title: `${PIPELINE}: Failed`,
      body:
        "Execution 22222222 failed in Deploy: rolled back by the circuit breaker: tasks failed to start. " +
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): not found",
    });
  });
});

describe("pipeline routes", () => {
  it("round-trips a pipeline name through the hash", () => {
    for (const name of ["cruddur-backend-fargate", "a.b@c_d-e"]) {
      expect(parsePipelineName(pipelineHref(name))).toBe(name);
    }
    expect(parsePipelineName("#/pipelines")).toBeNull();
    expect(parsePipelineName("#/pipelines/")).toBeNull();
    expect(parsePipelineName("#/history/x")).toBeNull();
  });
});

describe("approval notification", () => {
  it("says which stage waits and what it asks", () => {
    expect(
      approvalNotification(PIPELINE, "Approval", {
        approval: { comments: "Check staging", reviewUrl: null, snsTopicArn: null, resourceArn: "arn", approvers: "x" },
      }),
    ).toEqual({
      title: `${PIPELINE}: approval waiting`,
      body: "Approval waits for someone to approve or reject it in Pipewright. Check staging",
    });
  });
});
