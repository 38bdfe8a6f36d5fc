import type { BuildSummary } from "../../bindings/BuildSummary";
import { useNow } from "../../lib/clock";
import { formatAgo, formatDuration, localDateTime, shortSha } from "../../lib/format";
import {
  buildSeconds,
  buildStatusLabel,
  buildTone,
  INITIATOR_LABELS,
  isInProgress,
  toMs,
  WINDOWS,
  type BuildTone,
  type WindowDays,
} from "../../lib/history/records";
import { StatusPill, type PillTone } from "../StatusPill";
import { ArrowRightIcon } from "../Icons";

const BUILD_TONE: Record<BuildTone, PillTone> = {
  success: "success",
  danger: "danger",
  running: "running",
  stopped: "neutral",
};

/** A CodeBuild status (SUCCEEDED, FAILED, …) as a coloured pill. */
export function BuildStatusPill({ status, testId }: { status: string | null | undefined; testId?: string }) {
  return (
    <StatusPill tone={BUILD_TONE[buildTone(status)]} status={status ?? "none"} testId={testId}>
      {buildStatusLabel(status)}
    </StatusPill>
  );
}

/** "Pipeline", "Webhook" or "User", with what CodeBuild recorded (e.g. codepipeline/<name>) on hover. */
export function InitiatorText({ build }: { build: Pick<BuildSummary, "initiator" | "initiatorKind"> }) {
  return (
    <span className={`history-initiator history-initiator-${build.initiatorKind}`} title={build.initiator}>
      {INITIATOR_LABELS[build.initiatorKind]}
    </span>
  );
}

/** A commit's 7-character sha (the full sha and source version on hover), as text. */
export function CommitText({
  commit,
  sourceVersion,
  message,
}: {
  commit: string | null;
  sourceVersion?: string | null;
  /** The commit's message, when a release of it told it (first line shown, all of it on hover). */
  message?: string;
}) {
  if (commit && message) {
    const first = message.split("\n", 1)[0] ?? "";
    return (
      <span className="history-commit-with-message" title={`${commit}\n\n${message}`}>
        <code className="history-commit">{shortSha(commit)}</code>
        <span className="history-commit-message" data-testid="history-commit-message">
          {first}
        </span>
      </span>
    );
  }
  if (!commit) {
    return sourceVersion ? (
      <span className="mono history-commit" title={sourceVersion}>
        {sourceVersion.length > 20 ? `${sourceVersion.slice(0, 20)}…` : sourceVersion}
      </span>
    ) : (
      <span className="muted">—</span>
    );
  }
  const title = sourceVersion && sourceVersion !== commit ? `${commit} (${sourceVersion})` : commit;
  return (
    <code className="history-commit" title={title}>
      {shortSha(commit)}
    </code>
  );
}

/** "5 min ago" with the full local date and time on hover; kept current by one shared timer. */
export function StartedAt({ ms }: { ms: number | bigint }) {
  const now = useNow(15_000);
  const t = toMs(ms);
  const date = new Date(t);
  return (
    <time dateTime={date.toISOString()} title={localDateTime(t)}>
      {formatAgo(t, Math.max(now, t))}
    </time>
  );
}

/** How long a build took, ticking every second while it runs. */
export function BuildDuration({ build }: { build: BuildSummary }) {
  return isInProgress(build) ? <RunningFor build={build} /> : <FinishedDuration build={build} />;
}

function FinishedDuration({ build }: { build: BuildSummary }) {
  // Finished: the recorded duration (or end − start); no clock needed.
  const seconds = buildSeconds(build, 0);
  return seconds === null ? <span className="muted">—</span> : <>{formatDuration(seconds)}</>;
}

function RunningFor({ build }: { build: BuildSummary }) {
  const now = useNow(1000);
  return <>{formatDuration(buildSeconds(build, now) ?? 0)}</>;
}

/** 7 / 30 / 90 days. */
export function WindowToggle({
  value,
  onChange,
  testIdPrefix,
  label,
}: {
  value: WindowDays;
  onChange: (days: WindowDays) => void;
  testIdPrefix: string;
  label: string;
}) {
  return (
    <div className="history-segmented" role="group" aria-label={label}>
      {WINDOWS.map((days) => (
        <button
          key={days}
          type="button"
          className={days === value ? "active" : undefined}
          aria-pressed={days === value}
          onClick={() => onChange(days)}
          data-testid={`${testIdPrefix}-${days}`}
        >
          {days} days
        </button>
      ))}
    </div>
  );
}

/** A labelled figure of a stats panel. */
export function Figure({
  label,
  value,
  detail,
  testId,
  valueTestId,
  detailTestId,
}: {
  label: string;
  value: string;
  detail?: string;
  testId?: string;
  valueTestId?: string;
  detailTestId?: string;
}) {
  return (
    <div className="history-figure" data-testid={testId}>
      <div className="history-figure-label">{label}</div>
      <div className="history-figure-value" data-testid={valueTestId}>
        {value}
      </div>
      {detail && (
        <div className="history-figure-detail" data-testid={detailTestId}>
          {detail}
        </div>
      )}
    </div>
  );
}

/** A list of names, each a link (`href(name)`) with an arrow: pick a project or a pipeline. */
export function PickList({
  names,
  href,
  itemTestId,
  testId,
}: {
  names: readonly string[];
  href: (name: string) => string;
  itemTestId: (name: string) => string;
  testId?: string;
}) {
  return (
    <ul className="history-pick-list" data-testid={testId}>
      {names.map((name) => (
        <li key={name}>
          <a href={href(name)} data-testid={itemTestId(name)}>
            <span className="history-pick-name">{name}</span>
            <ArrowRightIcon size={14} />
          </a>
        </li>
      ))}
    </ul>
  );
}

/** A labelled select of names (the project or pipeline a history page shows). */
export function NameSelect({
  label,
  value,
  names,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  names: readonly string[];
  onChange: (name: string) => void;
  testId: string;
}) {
  return (
    <label className="history-filter">
      <span className="history-filter-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
