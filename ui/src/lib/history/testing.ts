/**
 * Test fixtures of the history pages (imported by tests only). Times are plain numbers cast to the
 * generated `bigint` types, exactly as they arrive over IPC.
 */
import { act } from "@testing-library/react";
import type { BuildRecord } from "../../bindings/BuildRecord";
import type { BuildSummary } from "../../bindings/BuildSummary";
import type { LogNext } from "../../bindings/LogNext";
import type { LogRead } from "../../bindings/LogRead";
import type { PhaseRecord } from "../../bindings/PhaseRecord";
import type { ReleaseRecord } from "../../bindings/ReleaseRecord";

export const PROJECT = "cruddur-backend-flask-bake-image";
export const PIPELINE = "cruddur-backend-fargate";
/** A fixed "now" that tests pin Date.now to when they need stable windows. */
export const NOW = Date.UTC(2025, 5, 30, 12, 0, 0);

/** A time or number as it crosses the IPC (plain JSON numbers). */
export function wire(n: number): number {
  return n;
}

export function phase(name: string, seconds: number, overrides: Partial<PhaseRecord> = {}): PhaseRecord {
  return { phase: name, status: "SUCCEEDED", startMs: null, endMs: null, durationSeconds: seconds, messages: [], ...overrides };
}

export const DEFAULT_PHASES: PhaseRecord[] = [
  phase("SUBMITTED", 0),
  phase("QUEUED", 1),
  phase("PROVISIONING", 12),
  phase("DOWNLOAD_SOURCE", 3),
  phase("INSTALL", 2),
  phase("PRE_BUILD", 6),
  phase("BUILD", 160),
  phase("POST_BUILD", 25),
  phase("UPLOAD_ARTIFACTS", 1),
  phase("FINALIZING", 2),
  phase("COMPLETED", 0, { status: null, durationSeconds: null }),
];

/** Build number `n`, started `n` hours after NOW − 1000 h (so a higher number is newer). */
export function build(n: number, overrides: Partial<BuildRecord> = {}): BuildRecord {
  const start = NOW - (1000 - n) * 3_600_000;
  const uuid = `${String(n).padStart(8, "0")}-aaaa-bbbb-cccc-dddddddddddd`;
  return {
    id: `${PROJECT}:${uuid}`,
    project: PROJECT,
    buildNumber: wire(n),
    status: "SUCCEEDED",
    startMs: wire(start),
    endMs: wire(start + 214_000),
    durationSeconds: 214,
    initiator: n % 3 === 0 ? `codepipeline/${PIPELINE}` : n % 3 === 1 ? "GitHub-Hookshot/abc123" : "alice",
    initiatorKind: n % 3 === 0 ? "pipeline" : n % 3 === 1 ? "webhook" : "user",
    sourceVersion: `pr/${n}`,
    commit: `${String(n).padStart(4, "0")}abcdef0123456789abcdef0123456789ab`,
    computeType: "BUILD_GENERAL1_SMALL",
    environmentType: "LINUX_CONTAINER",
    phases: DEFAULT_PHASES,
    logGroup: `/aws/codebuild/${PROJECT}`,
    logStream: uuid,
    logUrl: `https://console.aws.amazon.com/cloudwatch/home#logsV2:log-groups/${uuid}`,
    consoleUrl: `https://us-east-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/${PROJECT}/build/${PROJECT}%3A${uuid}/?region=us-east-1`,
    ...overrides,
  };
}

/** What the list gets of a build (`history_builds`, the sync's batches): no phases, no links. */
export function summary(b: BuildRecord): BuildSummary {
  return {
    id: b.id,
    buildNumber: b.buildNumber,
    status: b.status,
    startMs: b.startMs,
    endMs: b.endMs,
    durationSeconds: b.durationSeconds,
    initiator: b.initiator,
    initiatorKind: b.initiatorKind,
    sourceVersion: b.sourceVersion,
    commit: b.commit,
  };
}

/** Builds `from`..`to` (inclusive), newest first. */
export function builds(from: number, to: number, overrides: (n: number) => Partial<BuildRecord> = () => ({})): BuildRecord[] {
  const list: BuildRecord[] = [];
  for (let n = to; n >= from; n--) list.push(build(n, overrides(n)));
  return list;
}

/** One answer of `build_log_read`: these lines, then `next` with the cursor at `token`. */
export function logRead(
  messages: string[],
  next: LogNext = "done",
  token: string | null = "f/1",
  consoleUrl = "https://console.aws.amazon.com/cloudwatch/log",
): LogRead {
  return {
    lines: messages.map((message, i) => ({ timestampMs: wire(NOW + i), message })),
    cursor: { token, graceLeft: 0 },
    next,
    consoleUrl,
    streamExists: true,
  };
}

export function release(id: string, hoursAgo: number, overrides: Partial<ReleaseRecord> = {}): ReleaseRecord {
  const start = NOW - hoursAgo * 3_600_000;
  return {
    pipeline: PIPELINE,
    executionId: id,
    status: "Succeeded",
    trigger: "Webhook",
    commit: `${id.padEnd(7, "0")}1234567890abcdef1234567890abcdef`,
    commitSummary: `Change ${id}`,
    startMs: wire(start),
    endMs: wire(start + 600_000),
    buildId: `${PROJECT}:${id}-uuid`,
    buildStatus: "Succeeded",
    deployStatus: "Succeeded",
    deployStartMs: wire(start + 300_000),
    deployEndMs: wire(start + 600_000),
    rollout: null,
    pipelineStatus: null,
    ...overrides,
  };
}

type TauriInternals = { runCallback: (id: number, data: unknown) => void };
const nextIndex = new WeakMap<object, number>();

/** Deliver messages on a Channel passed to a mocked command, in order, as Rust does. */
export function emitBatch(channel: unknown, ...messages: unknown[]): void {
  const ch = channel as { id: number };
  const internals = (window as unknown as { __TAURI_INTERNALS__: TauriInternals }).__TAURI_INTERNALS__;
  act(() => {
    for (const message of messages) {
      const index = nextIndex.get(ch) ?? 0;
      nextIndex.set(ch, index + 1);
      internals.runCallback(ch.id, { index, message });
    }
  });
}
