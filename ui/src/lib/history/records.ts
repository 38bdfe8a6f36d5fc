/**
 * Pure helpers over build records: how statuses and initiators read, merging streamed batches,
 * filtering, and the rows of the duration chart. Everything here is plain data, tested without DOM.
 *
 * The generated types say `bigint` for Rust's i64 fields, but IPC sends JSON numbers: every time
 * goes through `toMs`, which accepts both.
 */
import type { BuildSummary } from "../../bindings/BuildSummary";
import type { Initiator } from "../../bindings/Initiator";
import { BUILD_FAILED, BUILD_RUNNING } from "../../bindings/statusMeaning";

export const DAY_MS = 86_400_000;

/** Unix ms from an i64 field (a number on the wire, `bigint` in the generated type). */
export function toMs(value: bigint | number): number {
  return typeof value === "number" ? value : Number(value);
}

/** Same, for an optional field. */
export function toMsOrNull(value: bigint | number | null | undefined): number | null {
  return value === null || value === undefined ? null : toMs(value);
}

/** The four colours of a build: green, red, grey, blue. */
export type BuildTone = "success" | "danger" | "stopped" | "running";

/**
 * The colour of a build or phase status. Which statuses run and which fail is Rust's rule
 * (`BuildStatus`, exported in bindings/statusMeaning.ts); a status this version does not know
 * is grey, neither running nor failed, as Rust counts it.
 */
export function buildTone(status: string | null | undefined): BuildTone {
  if (!status) return "stopped";
  if (status === "SUCCEEDED") return "success";
  if (BUILD_RUNNING.includes(status)) return "running";
  if (BUILD_FAILED.includes(status)) return "danger";
  return "stopped";
}

/** A failure status (FAILED, FAULT, TIMED_OUT: Rust's `BuildStatus::failed`). */
export function isFailedStatus(status: string | null | undefined): boolean {
  return !!status && BUILD_FAILED.includes(status);
}

const STATUS_LABELS: Record<string, string> = {
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  FAULT: "Fault",
  TIMED_OUT: "Timed out",
  IN_PROGRESS: "In progress",
  STOPPED: "Stopped",
  QUEUED: "Queued",
};

/** "Timed out" for TIMED_OUT; unknown statuses as they come. */
export function buildStatusLabel(status: string | null | undefined): string {
  if (!status) return "—";
  return STATUS_LABELS[status] ?? status;
}

export function isInProgress(build: Pick<BuildSummary, "status">): boolean {
  return BUILD_RUNNING.includes(build.status);
}

export const INITIATOR_LABELS: Record<Initiator, string> = {
  pipeline: "Pipeline",
  webhook: "Webhook",
  user: "User",
};

/** "UPLOAD_ARTIFACTS" → "Upload artifacts". */
export function phaseLabel(phase: string): string {
  const words = phase.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "#42", or the id's tail when CodeBuild gave no number. */
export function buildLabel(build: Pick<BuildSummary, "buildNumber" | "id">): string {
  if (build.buildNumber !== null) return `#${String(build.buildNumber)}`;
  const uuid = build.id.split(":").pop() ?? build.id;
  return uuid.slice(0, 8);
}

/** Seconds the build took, or has been running at `now`. */
export function buildSeconds(build: BuildSummary, now: number): number | null {
  if (build.durationSeconds !== null) return build.durationSeconds;
  if (isInProgress(build)) return Math.max(0, (now - toMs(build.startMs)) / 1000);
  const end = toMsOrNull(build.endMs);
  return end === null ? null : Math.max(0, (end - toMs(build.startMs)) / 1000);
}

/** The project of a build id (`<project>:<uuid>`). */
export function projectOfBuild(buildId: string): string {
  const i = buildId.lastIndexOf(":");
  return i > 0 ? buildId.slice(0, i) : buildId;
}

/** Newest first, like Rust's store: start time descending, then id descending. */
export function compareNewestFirst(a: BuildSummary, b: BuildSummary): number {
  const d = toMs(b.startMs) - toMs(a.startMs);
  if (d !== 0) return d;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Merge a batch into a newest-first list: a build already there is replaced by the batch's
 * (fresher) copy, new builds are inserted in order. Returns `existing` itself when nothing changed,
 * so React skips the render. O(n + k log k) for a batch of k: a 10,000-build list stays cheap.
 */
export function mergeBuilds(existing: readonly BuildSummary[], batch: readonly BuildSummary[]): BuildSummary[] {
  if (batch.length === 0) return existing as BuildSummary[];
  const incoming = new Map<string, BuildSummary>();
  for (const b of batch) incoming.set(b.id, b);

  let changed = false;
  const kept: BuildSummary[] = [];
  let resort = false;
  for (const b of existing) {
    const fresh = incoming.get(b.id);
    if (fresh) {
      incoming.delete(b.id);
      if (fresh !== b) changed = true;
      if (toMs(fresh.startMs) !== toMs(b.startMs)) resort = true;
      kept.push(fresh);
    } else {
      kept.push(b);
    }
  }
  if (incoming.size === 0) {
    if (!changed) return existing as BuildSummary[];
    return resort ? kept.sort(compareNewestFirst) : kept;
  }
  if (resort) kept.sort(compareNewestFirst);
  const added = [...incoming.values()].sort(compareNewestFirst);
  const merged: BuildSummary[] = new Array<BuildSummary>(kept.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < kept.length && j < added.length) {
    // Both are defined inside the bounds checked above.
    const a = kept[i] as BuildSummary;
    const b = added[j] as BuildSummary;
    if (compareNewestFirst(a, b) <= 0) {
      merged[k++] = a;
      i++;
    } else {
      merged[k++] = b;
      j++;
    }
  }
  while (i < kept.length) merged[k++] = kept[i++] as BuildSummary;
  while (j < added.length) merged[k++] = added[j++] as BuildSummary;
  return merged;
}

/** The status groups of the table filter. */
export type StatusFilter = "" | "succeeded" | "failed" | "stopped" | "running";

export const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "", label: "All statuses" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed, fault or timed out" },
  { value: "stopped", label: "Stopped" },
  { value: "running", label: "In progress" },
];

const FILTER_TONE: Record<Exclude<StatusFilter, "">, BuildTone> = {
  succeeded: "success",
  failed: "danger",
  stopped: "stopped",
  running: "running",
};

export type BuildFilters = {
  status: StatusFilter;
  /** Local date `YYYY-MM-DD` (an `<input type="date">` value); builds started that day or later. "" = any. */
  since: string;
  initiator: Initiator | "";
};

export const NO_FILTERS: BuildFilters = { status: "", since: "", initiator: "" };

/** Local midnight of a `YYYY-MM-DD` date, or null when empty/invalid. */
export function sinceMs(since: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since);
  if (!m) return null;
  const t = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  return Number.isNaN(t) ? null : t;
}

export function hasFilters(filters: BuildFilters): boolean {
  return filters.status !== "" || filters.since !== "" || filters.initiator !== "";
}

/** The builds that pass every filter, in the same (newest-first) order. */
export function filterBuilds(builds: readonly BuildSummary[], filters: BuildFilters): readonly BuildSummary[] {
  if (!hasFilters(filters)) return builds;
  const from = sinceMs(filters.since);
  const tone = filters.status ? FILTER_TONE[filters.status] : null;
  return builds.filter(
    (b) =>
      (tone === null || buildTone(b.status) === tone) &&
      (from === null || toMs(b.startMs) >= from) &&
      (filters.initiator === "" || b.initiatorKind === filters.initiator),
  );
}

export const WINDOWS = [7, 30, 90] as const;
export type WindowDays = (typeof WINDOWS)[number];

/** At most this many bars: the newest builds of the window. */
export const CHART_CAP = 1000;

export type ChartRow = {
  /** Position on the x axis, oldest first. */
  index: number;
  id: string;
  label: string;
  status: string;
  tone: BuildTone;
  /** Minutes, for the bar's height. */
  minutes: number;
  seconds: number;
  startMs: number;
  commit: string | null;
  initiator: string;
  initiatorKind: Initiator;
};

export type ChartData = { rows: ChartRow[]; inWindow: number; capped: boolean };

/**
 * One bar per build started in the last `days` (at `now`), oldest on the left, at most `cap` bars
 * (the newest). `builds` must be newest first, so the window is a prefix of the list.
 */
export function chartData(builds: readonly BuildSummary[], days: number, now: number, cap = CHART_CAP): ChartData {
  const from = now - days * DAY_MS;
  let inWindow = 0;
  // Newest first: the window ends at the first build older than `from` (future starts count too).
  while (inWindow < builds.length && toMs((builds[inWindow] as BuildSummary).startMs) >= from) inWindow++;
  const shown = Math.min(inWindow, cap);
  const rows: ChartRow[] = new Array<ChartRow>(shown);
  for (let i = 0; i < shown; i++) {
    const b = builds[shown - 1 - i] as BuildSummary;
    const seconds = buildSeconds(b, now) ?? 0;
    rows[i] = {
      index: i,
      id: b.id,
      label: buildLabel(b),
      status: b.status,
      tone: buildTone(b.status),
      minutes: seconds / 60,
      seconds,
      startMs: toMs(b.startMs),
      commit: b.commit,
      initiator: b.initiator,
      initiatorKind: b.initiatorKind,
    };
  }
  return { rows, inWindow, capped: inWindow > cap };
}
