import { useCallback, useState } from "react";
import type { Session } from "../bindings/Session";
import { EmptyState } from "../components/EmptyState";
import { QueryError } from "../components/ErrorNotice";
import { BuildDetail } from "../components/history/BuildDetail";
import { ProjectHistory } from "../components/history/ProjectHistory";
import { ReleasesView } from "../components/history/ReleasesView";
import { BoxIcon, ClockIcon } from "../components/Icons";
import { PickList } from "../components/history/parts";
import { SessionRequirement } from "../components/SessionRequirement";
import { LoadingBlock } from "../components/Spinner";
import { NO_FILTERS, type BuildFilters, type WindowDays } from "../lib/history/records";
import { historyHref, useHistoryRoute, type HistoryRoute } from "../lib/router";
import { useSessionState } from "../lib/session";
import { useCodebuildProjects } from "../lib/wizard/queries";
import { Card } from "../components/Card";

/**
 * `#/history…`: the builds of a CodeBuild project (figures, chart, table, build detail with its
 * log) and, in a second tab, the releases of a pipeline with DORA figures.
 */
export function BuildHistoryPage() {
  const state = useSessionState();
  const route = useHistoryRoute();
  if (state.status !== "ready") {
    return (
      <div className="page">
        <div className="card">
          <EmptyState icon={<ClockIcon size={28} />} title="Build history" testId="history-empty">
            <p>
              The CodeBuild runs of your projects with status, duration, where the time goes and their logs, and
              the releases of your pipelines with delivery figures.
            </p>
            <SessionRequirement state={state} />
          </EmptyState>
        </div>
      </div>
    );
  }
  return <HistoryScreens session={state.session} region={state.region} route={route} />;
}

type ProjectView = { days: WindowDays; filters: BuildFilters };
const DEFAULT_VIEW: ProjectView = { days: 30, filters: NO_FILTERS };

function HistoryScreens({ session, region, route }: { session: Session; region: string; route: HistoryRoute }) {
  // The window and filters of each project survive opening a build and coming back.
  const [views, setViews] = useState<Record<string, ProjectView>>({});
  const update = useCallback(
    (project: string, change: Partial<ProjectView>) =>
      setViews((v) => ({ ...v, [project]: { ...(v[project] ?? DEFAULT_VIEW), ...change } })),
    [],
  );
  const releases = route.tab === "releases";
  const projects = useCodebuildProjects(session, !releases);

  let content;
  if (route.tab === "releases") {
    content = <ReleasesView session={session} region={region} pipeline={route.pipeline} />;
  } else if (route.project && route.buildId) {
    content = <BuildDetail key={route.buildId} session={session} project={route.project} buildId={route.buildId} />;
  } else if (route.project) {
    const project = route.project;
    const view = views[project] ?? DEFAULT_VIEW;
    content = (
      <ProjectHistory
        key={project}
        session={session}
        project={project}
        projects={projects.data ?? []}
        days={view.days}
        onDays={(days) => update(project, { days })}
        filters={view.filters}
        onFilters={(filters) => update(project, { filters })}
      />
    );
  } else if (projects.isPending) {
    content = (
      <div className="card">
        <LoadingBlock label="Loading CodeBuild projects…" />
      </div>
    );
  } else if (projects.error) {
    content = (
      <QueryError query={projects} variant="banner" testId="history-error" />
    );
  } else if (projects.data.length === 0) {
    content = (
      <div className="card">
        <EmptyState icon={<BoxIcon size={28} />} title={`No CodeBuild projects in ${region}`} testId="history-no-projects">
          <p>Create a pipeline with New pipeline (it makes the CodeBuild project), or pick another region in the header.</p>
        </EmptyState>
      </div>
    );
  } else {
    content = (
      <Card
        titleId="history-projects-title"
        title={
          <>
            CodeBuild projects in <span className="mono">{region}</span>
          </>
        }
        subtitle="Pick one to see its builds. Stored builds show at once; new ones sync from AWS."
      >
        <PickList
          names={projects.data}
          href={(name) => historyHref({ project: name })}
          itemTestId={(name) => `history-project-${name}`}
          testId="history-projects"
        />
      </Card>
    );
  }

  return (
    <div className="page history-page">
      <nav className="history-tabs" aria-label="Build history">
        <a
          href={historyHref({ project: releases ? null : route.project })}
          className={releases ? "history-tab" : "history-tab active"}
          aria-current={releases ? undefined : "page"}
          data-testid="history-tab-builds"
        >
          Builds
        </a>
        <a
          href={historyHref({ releases: true })}
          className={releases ? "history-tab active" : "history-tab"}
          aria-current={releases ? "page" : undefined}
          data-testid="history-tab-releases"
        >
          Releases
        </a>
      </nav>
      {content}
    </div>
  );
}
