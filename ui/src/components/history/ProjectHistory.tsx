import { useCallback, useEffect, useMemo, useState } from "react";
import type { Session } from "../../bindings/Session";
import { useNow } from "../../lib/clock";
import { formatAgo } from "../../lib/format";
import { historyTiming, useBuildHistory, useBuildStats, useCommitMessages } from "../../lib/history/queries";
import { chartData, filterBuilds, isInProgress, type BuildFilters, type ChartData, type WindowDays } from "../../lib/history/records";
import { historyHref, navigateHistory } from "../../lib/router";
import { EmptyState } from "../EmptyState";
import { ArrowLeftIcon, ClockIcon, RetryIcon } from "../Icons";
import { LoadingBlock, Spinner } from "../Spinner";
import { ErrorNotice } from "../ErrorNotice";
import { BuildTable } from "./BuildTable";
import { ChartBoundary } from "./ChartBoundary";
import { DurationChart } from "./DurationChart";
import { PhaseBreakdown, StatsPanel } from "./StatsPanel";
import { NameSelect } from "./parts";

type Props = {
  session: Session;
  project: string;
  projects: string[];
  days: WindowDays;
  onDays: (days: WindowDays) => void;
  filters: BuildFilters;
  onFilters: (filters: BuildFilters) => void;
};

/** Two chart datasets draw the same bars (same builds, statuses and durations). */
function sameChart(a: ChartData, b: ChartData): boolean {
  if (a.rows.length !== b.rows.length || a.inWindow !== b.inWindow || a.capped !== b.capped) return false;
  for (let i = 0; i < a.rows.length; i++) {
    const x = a.rows[i];
    const y = b.rows[i];
    if (!x || !y || x.id !== y.id || x.status !== y.status || x.seconds !== y.seconds) return false;
  }
  return true;
}

/** `#/history/<project>`: figures, duration chart, phase breakdown and the build table. */
export function ProjectHistory({ session, project, projects, days, onDays, filters, onFilters }: Props) {
  // Figures and the newest builds are asked at once (both from the local store, in milliseconds);
  // the older builds (up to 10,000s: the biggest read) only once the figures are in, so the first
  // screen is not held up by it.
  const stats = useBuildStats(session, project, days, true);
  const history = useBuildHistory(session, project, { readOlder: !stats.isPending });
  const messages = useCommitMessages(session, project, history.syncedAt);
  const now = useNow(60_000);
  const { builds } = history;

  // Batches that only add builds outside the chart (older ones, past the cap) keep the same chart data.
  const fresh = useMemo(() => chartData(builds, days, now), [builds, days, now]);
  const [chart, setChart] = useState(fresh);
  if (fresh !== chart && !sameChart(fresh, chart)) setChart(fresh);

  const rows = useMemo(() => filterBuilds(builds, filters), [builds, filters]);
  const tableReady = useAfterFirstPaint(history.loaded);
  const open = useCallback((buildId: string) => navigateHistory({ project, buildId }), [project]);
  const options = projects.includes(project) ? projects : [project, ...projects];

  let body;
  if (!history.loaded) {
    body = history.error ? null : (
      <div className="card">
        <LoadingBlock label="Loading stored builds…" />
      </div>
    );
  } else if (builds.length === 0) {
    body = history.syncing ? (
      <div className="card" data-testid="history-loading">
        <LoadingBlock label={`Fetching the builds of ${project} from AWS…`} />
      </div>
    ) : history.error ? null : (
      <div className="card">
        <EmptyState icon={<ClockIcon size={28} />} title={`No builds of ${project} yet`} testId="history-no-builds">
          <p>Start a build (push to the branch, or release the pipeline), then press Refresh.</p>
        </EmptyState>
      </div>
    );
  } else {
    body = (
      <>
        <StatsPanel stats={stats.data} days={days} onDays={onDays} fetching={stats.isFetching} error={stats.error} />
        <ChartBoundary>
          <DurationChart data={chart} days={days} partial={history.loadingOlder} onOpen={open} />
        </ChartBoundary>
        <PhaseBreakdown stats={stats.data} onOpen={open} />
        {tableReady ? (
          <BuildTable
            project={project}
            rows={rows}
            total={builds.length}
            loadingOlder={history.loadingOlder}
            filters={filters}
            onFilters={onFilters}
            onOpen={open}
            messages={messages}
          />
        ) : (
          <div className="card history-table-pending" aria-busy="true" />
        )}
      </>
    );
  }

  return (
    <>
      <div className="history-toolbar">
        <a className="history-back" href={historyHref({})}>
          <ArrowLeftIcon size={14} />
          All projects
        </a>
        <NameSelect
          label="Project"
          value={project}
          names={options}
          onChange={(name) => navigateHistory({ project: name })}
          testId="history-project-select"
        />
        <span className="spacer" />
        <SyncStatus syncing={history.syncing} syncedAt={history.syncedAt} running={builds.some(isInProgress)} />
        <button type="button" className="button" onClick={history.refresh} disabled={history.syncing} data-testid="history-refresh">
          <RetryIcon size={14} />
          Refresh
        </button>
      </div>
      {history.error && (
        <ErrorNotice
          error={history.error}
          variant="banner"
          testId="history-error"
          action={
            <span className="history-paused">
              <ClockIcon size={13} />
              Updates paused — press Refresh
            </span>
          }
        />
      )}
      {body}
    </>
  );
}

/**
 * True from the frame after `ready` was first painted: the table (below the fold) mounts then, so the
 * first screen (figures, chart) is drawn without waiting for it.
 */
function useAfterFirstPaint(ready: boolean): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return;
    // The first callback runs before the next paint, the second one after it.
    let inner = 0;
    const outer = requestAnimationFrame(() => {
      inner = requestAnimationFrame(() => setPainted(true));
    });
    return () => {
      cancelAnimationFrame(outer);
      cancelAnimationFrame(inner);
    };
  }, [ready, painted]);
  return painted;
}

function SyncStatus({ syncing, syncedAt, running }: { syncing: boolean; syncedAt: number | null; running: boolean }) {
  const now = useNow(15_000);
  if (syncing) return <Spinner size={13} label="Syncing with AWS…" />;
  if (syncedAt === null) return null;
  return (
    <span className="muted small" data-testid="history-synced">
      Synced {formatAgo(syncedAt, Math.max(now, syncedAt))}
      {running && ` · again every ${historyTiming.runningSyncMs / 1000} s while a build runs`}
    </span>
  );
}
