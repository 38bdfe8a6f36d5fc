import { EmptyState } from "../components/EmptyState";
import { PlusSquareIcon } from "../components/Icons";
import { SessionRequirement } from "../components/SessionRequirement";
import { Wizard } from "../components/wizard/Wizard";
import { useSessionState } from "../lib/session";

/** Create a CodePipeline + CodeBuild pipeline with the wizard, once a profile and region are chosen. */
export function NewPipelinePage() {
  const state = useSessionState();
  if (state.status === "ready") {
    return <Wizard session={state.session} region={state.region} accountId={state.accountId} />;
  }
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon={<PlusSquareIcon size={28} />} title="Create a pipeline" testId="new-pipeline-empty">
          <p>
            Sets up a GitHub connection, a CodeBuild project that builds your Docker image and pushes it to ECR, and a
            CodePipeline that deploys it to ECS.
          </p>
          <SessionRequirement state={state} />
        </EmptyState>
      </div>
    </div>
  );
}
