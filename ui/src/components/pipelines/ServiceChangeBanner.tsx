import { useState } from "react";
import type { ServiceChange } from "../../bindings/ServiceChange";
import type { Session } from "../../bindings/Session";
import { localDateTime, shortId } from "../../lib/format";
import { useServiceChanges, useUndoServiceChange } from "../../lib/pipelines";
import { ErrorNotice } from "../ErrorNotice";
import { RetryIcon } from "../Icons";

/** `arn:…:task-definition/backend-flask:7` → `backend-flask:7`. */
const short = (td: string) => td.split("/").pop() ?? td;

/**
 * The last service update Pipewright made for this pipeline (a V1 rollback: no execution shows
 * it), with Undo: the service goes back to what it ran before, unless it has moved on since.
 */
export function ServiceChangeBanner({ session, pipeline }: { session: Session; pipeline: string }) {
  const changes = useServiceChanges(session, pipeline);
  const undo = useUndoServiceChange(session, pipeline);
  const [confirming, setConfirming] = useState(false);
  const last: ServiceChange | undefined = changes.data?.find((c) => c.state !== "undone");
  if (!last) return null;
  const cutOff = last.state === "pending" || last.state === "undoing";
  return (
    <div className="execution-banner execution-warning service-change" data-testid="service-change" data-state={last.state}>
      <RetryIcon size={18} />
      <div className="execution-main">
        <div className="execution-status">
          {cutOff ? "A rollback by Pipewright was cut off" : "Rolled back by Pipewright"}
          <span className="execution-note">{localDateTime(last.atMs)}</span>
        </div>
        <div className="execution-meta">
          <span>
            {last.target.service} {cutOff ? "may run" : "runs"} <code title={last.toTaskDefinition}>{short(last.toTaskDefinition)}</code>
            {last.toExecutionId && (
              <>
                {" "}
                from execution <code title={last.toExecutionId}>{shortId(last.toExecutionId)}</code>
              </>
            )}
          </span>
          <span>
            before: <code title={last.fromTaskDefinition}>{short(last.fromTaskDefinition)}</code>
          </span>
        </div>
        {undo.error && <ErrorNotice error={undo.error} />}
      </div>
      {confirming ? (
        <div className="service-change-actions">
          <span>Put {last.target.service} back on {short(last.fromTaskDefinition)}?</span>
          <button type="button" className="button" onClick={() => setConfirming(false)} disabled={undo.isPending}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            data-testid="service-change-undo-confirm"
            disabled={undo.isPending}
            onClick={() => undo.mutate(last.id, { onSettled: () => setConfirming(false) })}
          >
            {undo.isPending ? "Undoing…" : "Undo"}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className="button"
          data-testid="service-change-undo"
          onClick={() => {
            undo.reset();
            setConfirming(true);
          }}
        >
          Undo
        </button>
      )}
    </div>
  );
}
