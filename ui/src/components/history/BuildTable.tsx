import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useRef } from "react";
import type { BuildSummary } from "../../bindings/BuildSummary";
import type { Initiator } from "../../bindings/Initiator";
import { count } from "../../lib/history/format";
import {
  buildLabel,
  hasFilters,
  INITIATOR_LABELS,
  isInProgress,
  NO_FILTERS,
  STATUS_FILTERS,
  type BuildFilters,
  type StatusFilter,
} from "../../lib/history/records";
import { historyHref } from "../../lib/router";
import { BuildDuration, BuildStatusPill, CommitText, InitiatorText, StartedAt } from "./parts";

/** Fixed row height (px): rows are absolutely positioned by the virtualizer. */
export const ROW_HEIGHT = 40;
/** The table's scroll area is at most this tall; it shrinks to fit fewer rows. */
const MAX_HEIGHT = 520;

type Props = {
  project: string;
  /** Already filtered, newest first. */
  rows: readonly BuildSummary[];
  total: number;
  /** Older stored builds are still being read (the count will grow). */
  loadingOlder?: boolean;
  filters: BuildFilters;
  onFilters: (filters: BuildFilters) => void;
  onOpen: (buildId: string) => void;
  /** Commit messages by build id (those known). */
  messages?: Record<string, string>;
};

/**
 * Every stored build of the project, filtered, virtualized: only the rows in view (plus a few) are
 * in the DOM, so 10,000 builds scroll smoothly.
 */
export function BuildTable({ project, rows, total, loadingOlder = false, filters, onFilters, onOpen, messages = {} }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns a mutable instance; this component re-renders on its scroll updates.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.id ?? index,
    initialRect: { width: 900, height: MAX_HEIGHT },
  });
  const items = virtualizer.getVirtualItems();
  const filtered = hasFilters(filters);

  return (
    <section className="card" aria-labelledby="history-table-title">
      <div className="card-header history-table-header">
        <div>
          <h2 className="card-title" id="history-table-title">
            Builds
          </h2>
          <p className="card-subtitle" data-testid="history-table-count">
            {filtered ? `${count(rows.length)} of ${count(total)} builds` : `${count(total)} builds`}
            {loadingOlder && (
              <span className="muted" data-testid="history-loading-older">
                {" "}
                · reading older builds…
              </span>
            )}
          </p>
        </div>
        <span className="spacer" />
        <div className="history-filters">
          <label className="history-filter">
            <span className="visually-hidden">Status</span>
            <select
              value={filters.status}
              onChange={(e) => onFilters({ ...filters, status: e.target.value as StatusFilter })}
              data-testid="history-filter-status"
            >
              {STATUS_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <label className="history-filter">
            <span className="history-filter-label">Since</span>
            <input
              type="date"
              value={filters.since}
              onChange={(e) => onFilters({ ...filters, since: e.target.value })}
              data-testid="history-filter-since"
            />
          </label>
          <label className="history-filter">
            <span className="visually-hidden">Started by</span>
            <select
              value={filters.initiator}
              onChange={(e) => onFilters({ ...filters, initiator: e.target.value as Initiator | "" })}
              data-testid="history-filter-initiator"
            >
              <option value="">Anyone</option>
              {(Object.keys(INITIATOR_LABELS) as Initiator[]).map((kind) => (
                <option key={kind} value={kind}>
                  {INITIATOR_LABELS[kind]}
                </option>
              ))}
            </select>
          </label>
          {filtered && (
            <button type="button" className="link-button" onClick={() => onFilters(NO_FILTERS)} data-testid="history-filter-clear">
              Clear
            </button>
          )}
        </div>
      </div>
      <div className="history-table" role="table" aria-label={`Builds of ${project}`} aria-rowcount={rows.length + 1} data-testid="history-table">
        <div className="history-table-head" role="rowgroup">
          <div className="history-grid history-table-row" role="row">
            <span role="columnheader">Build</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Commit</span>
            <span role="columnheader">Started by</span>
            <span role="columnheader">Started</span>
            <span role="columnheader">Duration</span>
          </div>
        </div>
        {rows.length === 0 ? (
          <div className="card-empty" data-testid="history-table-empty">
            {filtered ? "No build matches these filters." : "No builds yet."}
          </div>
        ) : (
          <div
            ref={scrollRef}
            className="history-table-scroll"
            role="rowgroup"
            style={{ height: Math.min(MAX_HEIGHT, rows.length * ROW_HEIGHT) }}
            data-testid="history-table-scroll"
          >
            <div className="history-table-spacer" style={{ height: virtualizer.getTotalSize() }}>
              {items.map((item) => {
                const build = rows[item.index];
                if (!build) return null;
                return (
                  <BuildRow
                    key={item.key}
                    build={build}
                    message={messages[build.id]}
                    project={project}
                    top={item.start}
                    rowIndex={item.index + 2}
                    onOpen={onOpen}
                  />
                );
              })}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

const BuildRow = memo(function BuildRow({
  build,
  message,
  project,
  top,
  rowIndex,
  onOpen,
}: {
  build: BuildSummary;
  message: string | undefined;
  project: string;
  top: number;
  rowIndex: number;
  onOpen: (buildId: string) => void;
}) {
  return (
    <div
      className={`history-grid history-table-row history-row history-row-${isInProgress(build) ? "running" : "done"}`}
      role="row"
      aria-rowindex={rowIndex}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => onOpen(build.id)}
      data-testid={`history-row-${build.id}`}
    >
      <span role="cell">
        <a href={historyHref({ project, buildId: build.id })} onClick={(e) => e.stopPropagation()} className="history-build-link">
          {buildLabel(build)}
        </a>
      </span>
      <span role="cell">
        <BuildStatusPill status={build.status} />
      </span>
      <span role="cell">
        <CommitText commit={build.commit} sourceVersion={build.sourceVersion} message={message} />
      </span>
      <span role="cell">
        <InitiatorText build={build} />
      </span>
      <span role="cell">
        <StartedAt ms={build.startMs} />
      </span>
      <span role="cell" className="history-num">
        <BuildDuration build={build} />
      </span>
    </div>
  );
});
