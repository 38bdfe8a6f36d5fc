import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api";
import type { Receipt } from "../../bindings/Receipt";
import type { Session } from "../../bindings/Session";
import type { StepId } from "../../bindings/StepId";
import { localDateTime } from "../../lib/format";
import { isBusy, useWizard, useWizardStore } from "../../lib/wizard/store";
import { AlertIcon } from "../Icons";

/** The resources apply makes, in its order (the titles Rust's StepId::title gives them). */
const STEP_TITLES: { id: StepId; title: string }[] = [
  { id: "connection", title: "GitHub connection" },
  { id: "artifact_bucket", title: "Artifact bucket" },
  { id: "codebuild_role", title: "CodeBuild service role" },
  { id: "ecr_policy", title: "ECR push policy" },
  { id: "codebuild_project", title: "CodeBuild project" },
  { id: "webhook", title: "CodeBuild webhook" },
  { id: "pipeline_role", title: "CodePipeline service role" },
  { id: "pipeline", title: "Pipeline" },
  { id: "notifications", title: "Notification rule" },
];

function summary(r: Receipt): string {
  const made = r.resources.filter((x) => x.outcome === "created" || x.outcome === "running").length;
  const changed = r.resources.filter((x) => x.changes.some((c) => c.state !== "restored")).length;
  const parts = [`${made} ${made === 1 ? "resource" : "resources"} created or being created`];
  if (changed > 0) parts.push(`${changed} changed`);
  return parts.join(", ");
}

/** Runs that were cut off (the app or the CLI died mid-run), with Resume and Roll back. */
export function UnfinishedRuns({ session }: { session: Session }) {
  const store = useWizardStore();
  const { run } = useWizard();
  const queryClient = useQueryClient();
  const unfinished = useQuery({ queryKey: ["receiptsUnfinished"], queryFn: api.receiptsUnfinished });
  const runs = unfinished.data ?? [];
  if (runs.length === 0 || isBusy(run.phase)) return null;

  const done = () => void queryClient.invalidateQueries({ queryKey: ["receiptsUnfinished"] });

  return (
    <section className="notice notice-waiting unfinished-runs" role="status" data-testid="unfinished-runs">
      <AlertIcon size={18} className="notice-icon" />
      <div className="notice-body">
        <div className="notice-title">
          {runs.length === 1 ? "A run was cut off" : `${runs.length} runs were cut off`}
        </div>
        <p className="notice-message">
          Pipewright stopped before these runs finished. Their receipts say what was done: resume to finish, or roll back
          to delete what they created and put back what they changed.
        </p>
        <ul className="unfinished-list">
          {runs.map((r) => (
            <li key={r.id} data-testid={`unfinished-${r.id}`}>
              <span className="mono">{r.pipeline}</span>
              <span className="muted">{` · ${r.account} · ${r.region} · ${localDateTime(new Date(r.updatedAt ?? r.createdAt).getTime())} · ${summary(r)}`}</span>
              <span className="inline-actions">
                {r.plan && (
                  <button
                    type="button"
                    className="button button-small"
                    data-testid="unfinished-resume"
                    onClick={() => void store.resume(session, r, STEP_TITLES).finally(done)}
                  >
                    Resume
                  </button>
                )}
                <button
                  type="button"
                  className="button button-small button-ghost-danger"
                  data-testid="unfinished-rollback"
                  onClick={() =>
                    void store
                      .rollBackUnfinished(
                        session,
                        r,
                        STEP_TITLES.filter((t) => r.resources.some((x) => x.step === t.id)),
                      )
                      .finally(done)
                  }
                >
                  Roll back
                </button>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
