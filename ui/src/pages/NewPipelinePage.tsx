import { EmptyState } from "../components/EmptyState";
import { PlusSquareIcon } from "../components/Icons";
import { SessionRequirement } from "../components/SessionRequirement";
import { useSessionState } from "../lib/session";

/** Create a CodePipeline + CodeBuild pipeline. The wizard is built in a later issue. */
export function NewPipelinePage() {
  const state = useSessionState();
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon={<PlusSquareIcon size={28} />} title="Create a pipeline" testId="new-pipeline-empty">
          <p>
            This page will set up a CodePipeline with a CodeBuild project that builds your repository and releases it
            to production. It is not available in this version yet.
          </p>
          <SessionRequirement state={state} />
        </EmptyState>
      </div>
    </div>
  );
}
