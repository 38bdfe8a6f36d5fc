import type { RunStep } from "../../lib/wizard/store";
import { ErrorNotice } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { OutcomeBadge, StatusIcon } from "./StatusBadge";

/** The live list of steps of a Create, rollback or tear-down. */
export function ApplyProgress({ steps }: { steps: RunStep[] }) {
  return (
    <ol className="apply-steps" aria-label="Progress">
      {steps.map(({ id, title, event }) => {
        const status = event?.status ?? "pending";
        return (
          <li key={id} className={`apply-step apply-step-${status}`} data-testid={`apply-step-${id}`} data-status={status}>
            <StatusIcon status={status} />
            <div className="apply-step-body">
              <div className="apply-step-header">
                <span className="apply-step-title">{title}</span>
                <OutcomeBadge status={status} />
              </div>
              {event?.message && <div className="apply-step-message">{event.message}</div>}
              {event?.arn && <code className="apply-step-arn">{event.arn}</code>}
              {event?.error && <ErrorNotice error={event.error} testId={`apply-step-error-${id}`} />}
            </div>
            {event?.consoleUrl && <ExternalLink url={event.consoleUrl} testId={`apply-console-${id}`} />}
          </li>
        );
      })}
    </ol>
  );
}
