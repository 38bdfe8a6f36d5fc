import { EmptyState } from "../components/EmptyState";
import { WorkflowIcon } from "../components/Icons";
import { SessionRequirement } from "../components/SessionRequirement";
import { useSessionState } from "../lib/session";

/** The pipelines in the current account and region, with "release to prod". Built in a later issue. */
export function PipelinesPage() {
  const state = useSessionState();
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon={<WorkflowIcon size={28} />} title="Pipelines" testId="pipelines-empty">
          <p>
            This page will list the pipelines in the selected account and region, show their stages, and let you
            release to production. It is not available in this version yet.
          </p>
          <SessionRequirement state={state} />
        </EmptyState>
      </div>
    </div>
  );
}
