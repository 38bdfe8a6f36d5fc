import { useEffect, useRef } from "react";
import type { ConnectionInfo } from "../../bindings/ConnectionInfo";
import type { Session } from "../../bindings/Session";
import { useConnection } from "../../lib/wizard/queries";
import { timing } from "../../lib/wizard/timing";
import { ErrorNotice } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { AlertIcon, CheckCircleIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { ConnectionBadge } from "./StatusBadge";

type ConnectionCardProps = {
  session: Session;
  arn: string;
  /** What the list (or connection_create) already said about it. */
  known: ConnectionInfo | undefined;
  /** Called once a connection seen PENDING here turns AVAILABLE (after a short pause). */
  onAvailable: () => void;
  onCreateNew: () => void;
};

/** The chosen connection, polled while PENDING, with the link that finishes the GitHub handshake. */
export function ConnectionCard({ session, arn, known, onAvailable, onCreateNew }: ConnectionCardProps) {
  const query = useConnection(session, arn, known);
  const info = query.data;
  const status = info?.status ?? null;
  const sawPending = useRef(false);

  useEffect(() => {
    if (status === "PENDING") {
      sawPending.current = true;
      return;
    }
    if (status !== "AVAILABLE" || !sawPending.current) return;
    const timer = setTimeout(onAvailable, timing.autoAdvanceMs);
    return () => clearTimeout(timer);
  }, [status, onAvailable]);

  const tone = status === "AVAILABLE" ? "success" : status === "ERROR" ? "error" : "pending";
  return (
    <div className={`connection-card connection-card-${tone}`} data-testid="connection-card">
      <div className="connection-card-header">
        <span className="connection-card-name">{info?.name ?? "GitHub connection"}</span>
        <span className="connection-status" data-testid="connection-status">
          {status ? <ConnectionBadge status={status} /> : <Spinner size={12} label="Loading…" />}
          {status === "PENDING" && (
            <span className="connection-waiting">
              <Spinner size={12} />
              Waiting for AVAILABLE…
            </span>
          )}
        </span>
      </div>
      <code className="connection-arn" data-testid="connection-arn">
        {arn}
      </code>

      {status === "PENDING" && info && (
        <div className="connection-card-body">
          <p>
            AWS created the connection, but GitHub hasn’t authorized it yet. In the AWS console choose{" "}
            <strong>Update pending connection</strong> and install or pick the AWS Connector for GitHub app. This page
            checks again every {Math.round(timing.connectionPollMs / 1000)} s and continues by itself.
          </p>
          <ExternalLink url={info.consoleUrl} variant="primary" testId="connection-open-console">
            Open AWS console to finish the handshake
          </ExternalLink>
        </div>
      )}
      {status === "AVAILABLE" && (
        <p className="connection-card-ok" data-testid="connection-available">
          <CheckCircleIcon size={16} />
          Connection available: the pipeline can read the repository.
        </p>
      )}
      {status === "ERROR" && (
        <div className="connection-card-body" data-testid="connection-error">
          <p className="connection-card-failed">
            <AlertIcon size={16} />
            The GitHub handshake failed or was rejected, so this connection can’t be used. Create a new connection and
            finish the handshake again.
          </p>
          <button type="button" className="button" onClick={onCreateNew} data-testid="connection-create-new">
            Create a new connection
          </button>
        </div>
      )}
      {query.error && <ErrorNotice error={query.error} testId="connection-get-error" />}
    </div>
  );
}
