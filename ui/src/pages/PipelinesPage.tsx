import { useDeferredValue, useMemo, useState } from "react";
import type { PipelineSummary } from "../bindings/PipelineSummary";
import type { Session } from "../bindings/Session";
import { EmptyState } from "../components/EmptyState";
import { PlusIcon, SearchIcon, WorkflowIcon } from "../components/Icons";
import { PollError } from "../components/pipelines/parts";
import { PipelineTable } from "../components/pipelines/PipelineTable";
import { SessionRequirement } from "../components/SessionRequirement";
import { LoadingBlock, Spinner } from "../components/Spinner";
import { usePipelines } from "../lib/pipelines";
import { navigate, usePipelineName } from "../lib/router";
import { useSessionState } from "../lib/session";
import { useDelayedFlag } from "../lib/useDelayedFlag";
import { statusLabel } from "../lib/status";
import { PipelinePage } from "./PipelinePage";
import { Card } from "../components/Card";

/** `#/pipelines`: every pipeline in the account and region; `#/pipelines/<name>`: one pipeline. */
export function PipelinesPage() {
  const state = useSessionState();
  const name = usePipelineName();
  // useSessionState builds a new Session object on every render: keep one per value, so hooks and
  // memoized rows that depend on it only change when the profile or region does.
  const sessionKey = state.status === "ready" ? JSON.stringify(state.session) : "";
  const session = useMemo(() => (sessionKey ? (JSON.parse(sessionKey) as Session) : null), [sessionKey]);
  if (state.status === "ready" && session) {
    if (name) return <PipelinePage key={name} session={session} name={name} />;
    return <PipelineList session={session} region={state.region} />;
  }
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon={<WorkflowIcon size={28} />} title="Pipelines" testId="pipelines-empty">
          <p>
            Your CodePipeline pipelines in the selected account and region, their stages live, and a one-click
            release to production.
          </p>
          <SessionRequirement state={state} />
        </EmptyState>
      </div>
    </div>
  );
}

/** "" = every status; NEVER_RUN = pipelines without any execution. */
const NEVER_RUN = "-";

function matches(p: PipelineSummary, query: string, status: string): boolean {
  if (status && (p.latest?.status ?? NEVER_RUN) !== status) return false;
  return query === "" || p.name.toLowerCase().includes(query);
}

function PipelineList({ session, region }: { session: Session; region: string }) {
  const pipelines = usePipelines(session);
  const refreshing = useDelayedFlag(pipelines.isFetching && !pipelines.isPending, 600);
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  // Typing stays responsive with hundreds of rows: the table catches up at a lower priority.
  const query = useDeferredValue(search.trim().toLowerCase());

  const all = pipelines.data;
  const statuses = useMemo(() => {
    const seen = new Set<string>();
    for (const p of all ?? []) seen.add(p.latest?.status ?? NEVER_RUN);
    return [...seen].sort();
  }, [all]);
  const shown = useMemo(() => (all ?? []).filter((p) => matches(p, query, status)), [all, query, status]);

  const newPipeline = (
    <button type="button" className="button button-primary" onClick={() => navigate("new-pipeline")}>
      <PlusIcon size={14} />
      New pipeline
    </button>
  );

  let content;
  if (pipelines.isPending) {
    content = (
      <div className="card">
        <LoadingBlock label="Loading pipelines…" />
      </div>
    );
  } else if (!all) {
    content = null;
  } else if (all.length === 0) {
    content = (
      <div className="card">
        <EmptyState
          icon={<WorkflowIcon size={28} />}
          title={`No pipelines in ${region} yet`}
          testId="pipelines-none"
          actions={newPipeline}
        >
          <p>Create one with New pipeline: it builds your Docker image with CodeBuild and deploys it to ECS.</p>
        </EmptyState>
      </div>
    );
  } else {
    content = (
      <Card
        titleId="pipelines-title"
        title={
          <>
            Pipelines in <span className="mono">{region}</span>
          </>
        }
        subtitle={
          <>
            {shown.length === all.length
            ? `${all.length} ${all.length === 1 ? "pipeline" : "pipelines"}`
            : `${shown.length} of ${all.length} pipelines`}
          </>
        }
        aside={
          <>
            {refreshing && <Spinner label="Refreshing…" size={13} />}
            <div className="filters">
            <label className="search-box">
            <SearchIcon size={14} className="search-icon" />
            <span className="visually-hidden">Search pipelines by name</span>
            <input
            type="search"
            placeholder="Search by name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="pipelines-search"
            />
            </label>
            <label className="filter-select">
            <span className="visually-hidden">Latest status</span>
            <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="pipelines-status-filter">
            <option value="">All statuses</option>
            {statuses.map((s) => (
            <option key={s} value={s}>
            {s === NEVER_RUN ? "Never run" : statusLabel(s)}
            </option>
            ))}
            </select>
            </label>
            </div>
          </>
        }
      >
        {shown.length > 0 ? (
          <PipelineTable pipelines={shown} />
        ) : (
          <div className="card-empty" data-testid="pipelines-no-match">
            No pipeline matches these filters.{" "}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setSearch("");
                setStatus("");
              }}
            >
              Clear filters
            </button>
          </div>
        )}
      </Card>
    );
  }

  return (
    <div className="page">
      <div className="page-header">
        <p className="page-intro">
          The CodePipeline pipelines in this account and region with their latest run. Open one to see its stages
          live and release to production.
        </p>
        {newPipeline}
      </div>
      {pipelines.isError && (
        <PollError
          error={pipelines.error}
          onRetry={() => void pipelines.refetch()}
          retrying={pipelines.isFetching}
        />
      )}
      {content}
    </div>
  );
}
