import { EmptyState } from "../components/EmptyState";
import { ClockIcon } from "../components/Icons";
import { SessionRequirement } from "../components/SessionRequirement";
import { useSessionState } from "../lib/session";

/** Recent CodeBuild runs. Built in a later issue. */
export function BuildHistoryPage() {
  const state = useSessionState();
  return (
    <div className="page">
      <div className="card">
        <EmptyState icon={<ClockIcon size={28} />} title="Build history" testId="history-empty">
          <p>
            This page will show recent CodeBuild runs for your pipelines, with status, duration and logs. It is not
            available in this version yet.
          </p>
          <SessionRequirement state={state} />
        </EmptyState>
      </div>
    </div>
  );
}
