import { localDateTime } from "../../lib/format";
import type { Session } from "../../bindings/Session";
import { buildLabel, isInProgress, toMs } from "../../lib/history/records";
import { useBuild, useCommitMessages } from "../../lib/history/queries";
import { historyHref } from "../../lib/router";
import { ErrorNotice, QueryError } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { ArrowLeftIcon } from "../Icons";
import { LoadingBlock, Spinner } from "../Spinner";
import { LogViewer } from "./LogViewer";
import { DiagnosisPanel } from "../DiagnosisPanel";
import { useBuildDiagnosis } from "../../lib/history/queries";
import { BuildDuration, BuildStatusPill, CommitText, InitiatorText, StartedAt } from "./parts";
import { PhaseTimeline } from "./PhaseTimeline";

/** `#/history/<project>/builds/<id>`: one build's header, phase timeline and log. */
export function BuildDetail({ session, project, buildId }: { session: Session; project: string; buildId: string }) {
  const query = useBuild(session, project, buildId);
  const build = query.data;
  const messages = useCommitMessages(session, project, null);
  // Rust says whether (and why) a finished build failed.
  const diagnosisQuery = useBuildDiagnosis(session, buildId, build !== undefined && !isInProgress(build));

  const back = (
    <a className="history-back" href={historyHref({ project })} data-testid="build-back">
      <ArrowLeftIcon size={14} />
      All builds of {project}
    </a>
  );

  if (!build) {
    return (
      <div className="history-detail" data-testid="build-detail">
        {back}
        {query.error ? (
          <QueryError query={query} variant="banner" testId="build-error" />
        ) : (
          <div className="card">
            <LoadingBlock label="Loading the build…" />
          </div>
        )}
      </div>
    );
  }

  const running = isInProgress(build);
  const started = new Date(toMs(build.startMs));
  const diagnosis = diagnosisQuery.data ?? null;
  return (
    <div className="history-detail" data-testid="build-detail" data-status={build.status}>
      {back}
      {query.error && <ErrorNotice error={query.error} testId="build-error" />}
      {diagnosis && <DiagnosisPanel diagnosis={diagnosis} testId="build-diagnosis" fix={{ session, project }} />}
      <section className="card" aria-labelledby="build-title">
        <div className="card-header">
          <div className="history-detail-title">
            <h2 className="card-title history-detail-name" id="build-title">
              Build <span data-testid="build-number">{buildLabel(build)}</span>
            </h2>
            <BuildStatusPill status={build.status} testId="build-status" />
            {query.isFetching && <Spinner size={12} />}
          </div>
          <span className="spacer" />
          <ExternalLink url={build.consoleUrl} testId="build-console" />
        </div>
        <dl className="history-meta">
          <div>
            <dt>Commit</dt>
            <dd data-testid="build-commit">
              <CommitText commit={build.commit} sourceVersion={build.sourceVersion} />
            </dd>
          </div>
          <div>
            <dt>Started by</dt>
            <dd data-testid="build-initiator">
              <InitiatorText build={build} /> <span className="muted history-raw">{build.initiator}</span>
            </dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd title={localDateTime(started.getTime())}>
              <StartedAt ms={build.startMs} />
              <span className="muted history-raw">{localDateTime(started.getTime())}</span>
            </dd>
          </div>
          <div>
            <dt>{running ? "Running for" : "Duration"}</dt>
            <dd data-testid="build-duration">
              <BuildDuration build={build} />
            </dd>
          </div>
          {build.computeType && (
            <div>
              <dt>Compute</dt>
              <dd className="mono">{build.computeType}</dd>
            </div>
          )}
          {messages[build.id] && (
            <div className="history-meta-wide">
              <dt>Commit message</dt>
              <dd className="history-detail-message" data-testid="build-commit-message">
                {messages[build.id]}
              </dd>
            </div>
          )}
        </dl>
      </section>

      <section className="card" aria-labelledby="build-phases-title" data-testid="build-phases">
        <div className="card-header">
          <h2 className="card-title" id="build-phases-title">
            Phases
          </h2>
        </div>
        <PhaseTimeline phases={build.phases} running={running} />
      </section>

      <LogViewer
        key={`${build.logGroup ?? ""}/${build.logStream ?? ""}`}
        session={session}
        group={build.logGroup}
        stream={build.logStream}
        running={running}
        startedContainer={build.phases.some((p) => p.phase === "PROVISIONING" && p.status === "SUCCEEDED")}
        fallbackUrl={build.logUrl}
      />
    </div>
  );
}
