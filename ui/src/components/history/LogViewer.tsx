import { memo, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { LogLine } from "../../bindings/LogLine";
import type { Session } from "../../bindings/Session";
import { parseAnsi, stripAnsi, type AnsiToken } from "../../lib/history/ansi";
import { count } from "../../lib/history/format";
import { findMatches, MATCH_LIMIT, segmentLine, type LineRange } from "../../lib/history/logSearch";
import { useBuildLog } from "../../lib/history/queries";
import { ErrorNotice } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { ArrowRightIcon, ChevronDownIcon, RetryIcon, SearchIcon } from "../Icons";
import { Spinner } from "../Spinner";

type Parsed = { tokens: AnsiToken[]; text: string };

// Lines are immutable once received: parse each one once, however often the list re-renders.
const parsedLines = new WeakMap<LogLine, Parsed>();

function parsed(line: LogLine): Parsed {
  let p = parsedLines.get(line);
  if (!p) {
    p = { tokens: parseAnsi(line.message), text: stripAnsi(line.message) };
    parsedLines.set(line, p);
  }
  return p;
}

const NO_RANGES: LineRange[] = [];
/** How close to the bottom (px) still counts as "at the end" for follow mode. */
const BOTTOM_SLACK = 24;

type Props = {
  session: Session;
  group: string | null;
  stream: string | null;
  running: boolean;
  /** The build got past PROVISIONING (its container started, so it did write a log). */
  startedContainer: boolean;
  /** The build's own log link, used until the first page brings the console address. */
  fallbackUrl: string | null;
};

/**
 * The build's CloudWatch log: ANSI colours as CSS classes, every line rendered as text (never HTML),
 * search with highlights and next/previous, and follow mode while the build runs (auto-scroll to
 * new lines unless the user scrolled up).
 */
export function LogViewer({ session, group, stream, running, startedContainer, fallbackUrl }: Props) {
  const log = useBuildLog(session, group, stream, running);
  const [search, setSearch] = useState("");
  const query = useDeferredValue(search);
  // The current match, for the query it was chosen in (a new query starts at its first match).
  const [cursor, setCursor] = useState({ query: "", index: 0 });
  const current = cursor.query === query ? cursor.index : 0;
  const [stick, setStick] = useState(true);
  const boxRef = useRef<HTMLDivElement>(null);

  const lines = log.lines;
  const texts = useMemo(() => lines.map((l) => parsed(l).text), [lines]);
  const matches = useMemo(() => findMatches(texts, query), [texts, query]);
  const byLine = useMemo(() => {
    const map = new Map<number, LineRange[]>();
    matches.forEach((m, index) => {
      const list = map.get(m.line);
      const range = { start: m.start, end: m.end, index };
      if (list) list.push(range);
      else map.set(m.line, [range]);
    });
    return map;
  }, [matches]);
  const active = matches.length === 0 ? -1 : Math.min(current, matches.length - 1);
  const activeLine = active >= 0 ? (matches[active]?.line ?? -1) : -1;

  // Bring the current match into view.
  useEffect(() => {
    if (active < 0) return;
    const el = boxRef.current?.querySelector(`[data-match="${active}"]`);
    if (el && typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "center", inline: "nearest" });
  }, [active, query]);

  // Follow: new lines of a running build scroll into view while the user stays at the end.
  const followLive = stick && (running || log.following) && query === "";
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (box && followLive) box.scrollTop = box.scrollHeight;
  }, [lines.length, followLive]);

  const onScroll = () => {
    const box = boxRef.current;
    if (!box) return;
    const atEnd = box.scrollHeight - box.scrollTop - box.clientHeight <= BOTTOM_SLACK;
    if (atEnd !== stick) setStick(atEnd);
  };

  const jumpToEnd = () => {
    const box = boxRef.current;
    if (box) box.scrollTop = box.scrollHeight;
    setStick(true);
  };

  const step = (delta: number) => {
    if (matches.length === 0) return;
    setCursor({ query, index: (Math.min(current, matches.length - 1) + delta + matches.length) % matches.length });
  };

  const consoleUrl = log.consoleUrl ?? fallbackUrl;
  const countText =
    query === ""
      ? ""
      : matches.length === 0
        ? "No matches"
        : `${count(active + 1)} of ${matches.length >= MATCH_LIMIT ? `${count(MATCH_LIMIT)}+` : count(matches.length)}`;

  return (
    <section className="card history-log-card" aria-labelledby="build-log-title">
      <div className="card-header history-log-header">
        <div className="history-log-heading">
          <h2 className="card-title" id="build-log-title">
            Log
          </h2>
          <p className="card-subtitle history-log-source" data-testid="build-log-source">
            {group && stream ? (
              <>
                <span className="mono" data-testid="build-log-group">
                  {group}
                </span>
                <span aria-hidden="true">/</span>
                <span className="mono" data-testid="build-log-stream">
                  {stream}
                </span>
              </>
            ) : (
              "No CloudWatch log"
            )}
          </p>
        </div>
      </div>
      <div className="history-log-toolbar">
        <label className="history-log-search">
          <SearchIcon size={14} className="history-log-search-icon" />
          <span className="visually-hidden">Search the log</span>
          <input
            type="search"
            placeholder="Search the log"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
            data-testid="log-search"
          />
        </label>
        <button
          type="button"
          className="icon-button"
          onClick={() => step(-1)}
          disabled={matches.length === 0}
          title="Previous match (Shift+Enter)"
          data-testid="log-search-prev"
        >
          <ChevronDownIcon size={15} className="history-flip" />
          <span className="visually-hidden">Previous match</span>
        </button>
        <button
          type="button"
          className="icon-button"
          onClick={() => step(1)}
          disabled={matches.length === 0}
          title="Next match (Enter)"
          data-testid="log-search-next"
        >
          <ChevronDownIcon size={15} />
          <span className="visually-hidden">Next match</span>
        </button>
        <span className="history-log-count" aria-live="polite" data-testid="log-search-count">
          {countText}
        </span>
        <span className="spacer" />
        <button type="button" className="button button-small" onClick={log.reload} title="Read the log again from the start" data-testid="build-log-reload">
          <RetryIcon size={13} />
          Reload
        </button>
        {consoleUrl && <ExternalLink url={consoleUrl} testId="build-log-console" />}
      </div>
      {log.error && (
        <div className="history-card-body">
          <ErrorNotice
            error={log.error}
            testId="build-log-error"
            action={
              <button type="button" className="button" onClick={log.reload}>
                Try again
              </button>
            }
          />
        </div>
      )}
      <div className="history-log-frame">
        <div
          ref={boxRef}
          className="history-log"
          role="log"
          aria-label="Build log"
          tabIndex={0}
          onScroll={onScroll}
          data-testid="build-log"
          data-lines={lines.length}
        >
          {lines.map((line, i) => (
            <LogLineRow
              key={i}
              number={i + 1}
              parsed={parsed(line)}
              ranges={byLine.get(i) ?? NO_RANGES}
              current={i === activeLine ? active : null}
            />
          ))}
          {lines.length === 0 && !log.loading && !log.error && (
            <div className="history-log-empty">
              {!group || !stream
                ? "This build has no CloudWatch log (logging is off, or it has not started yet)."
                : running
                  ? "Waiting for the first lines…"
                  : log.streamExists
                    ? "The log is empty."
                    : startedContainer
                      ? "This log is no longer in CloudWatch (deleted, or past the log group's retention)."
                      : "This build wrote no log: it ended before its build container started (see its phases above)."}
            </div>
          )}
        </div>
        {!stick && (running || log.following) && (
          <button type="button" className="button button-small history-log-jump" onClick={jumpToEnd} data-testid="build-log-follow">
            <ArrowRightIcon size={13} className="history-rotate-down" />
            Follow new lines
          </button>
        )}
      </div>
      <div className="history-log-status" data-testid="build-log-status">
        {log.loading ? (
          <Spinner size={12} label="Reading the log…" />
        ) : log.following ? (
          <span className="history-log-live">
            <span className="history-pulse" aria-hidden="true" />
            {stick ? "Following new lines" : "New lines keep arriving below"}
          </span>
        ) : (
          <span className="muted">{lines.length > 0 ? `${count(lines.length)} lines` : ""}</span>
        )}
      </div>
    </section>
  );
}

const LogLineRow = memo(function LogLineRow({
  number,
  parsed: line,
  ranges,
  current,
}: {
  number: number;
  parsed: Parsed;
  ranges: LineRange[];
  current: number | null;
}) {
  const segments = segmentLine(line.tokens, ranges);
  return (
    <div className={current !== null ? "history-log-line history-log-line-current" : "history-log-line"} data-testid="build-log-line">
      <span className="history-log-number" aria-hidden="true">
        {number}
      </span>
      <span className="history-log-text">
        {segments.map((s, i) => {
          if (s.match === null) {
            return s.className ? (
              <span key={i} className={s.className}>
                {s.text}
              </span>
            ) : (
              s.text
            );
          }
          const cls = s.match === current ? "history-log-match history-log-match-current" : "history-log-match";
          return (
            <mark key={i} className={s.className ? `${cls} ${s.className}` : cls} data-match={s.match}>
              {s.text}
            </mark>
          );
        })}
      </span>
    </div>
  );
});
