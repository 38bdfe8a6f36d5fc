import type { CostEstimate } from "../../bindings/CostEstimate";
import type { Finding } from "../../bindings/Finding";
import type { ReviewStep } from "../../bindings/ReviewStep";
import type { Severity } from "../../bindings/Severity";
import { useWizardStore } from "../../lib/wizard/store";
import { AlertIcon, ChevronRightIcon, InfoIcon } from "../Icons";
import { ActionBadge } from "./StatusBadge";

const SEVERITIES: { severity: Severity; title: string }[] = [
  { severity: "error", title: "Errors — fix these before Create" },
  { severity: "warning", title: "Warnings" },
  { severity: "info", title: "Notes" },
];

/** Preflight findings, errors first; each one can jump to the step of its field. */
export function Findings({ findings, onEdit }: { findings: Finding[]; onEdit: (step: number) => void }) {
  const store = useWizardStore();
  if (findings.length === 0) {
    return (
      <p className="review-clean" data-testid="review-no-findings">
        No problems found.
      </p>
    );
  }
  return (
    <div className="findings">
      {SEVERITIES.map(({ severity, title }) => {
        const list = findings.filter((f) => f.severity === severity);
        if (list.length === 0) return null;
        return (
          <section key={severity} className={`findings-group findings-${severity}`} aria-label={title}>
            <h3 className="findings-title">
              {severity === "info" ? <InfoIcon size={15} /> : <AlertIcon size={15} />}
              {title}
            </h3>
            <ul>
              {list.map((f, index) => {
                const step = store.formStepOf(f.path);
                return (
                  <li key={`${f.path ?? ""}-${index}`} data-testid={`review-finding-${severity}`}>
                    <span className="finding-message">{f.message}</span>
                    {f.path && <span className="mono finding-path">{f.path}</span>}
                    {f.path && step !== null && (
                      <button type="button" className="link-button" onClick={() => onEdit(step)}>
                        {`Edit in ${store.steps[step]?.title ?? "the wizard"}`}
                        <ChevronRightIcon size={12} />
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

/** One resource Create will touch, with the exact request(s) behind a disclosure. */
export function ReviewStepCard({ step, titles }: { step: ReviewStep; titles: Map<string, string> }) {
  return (
    <li className="review-step" data-testid={`review-step-${step.id}`} data-action={step.action}>
      <div className="review-step-header">
        <span className="review-step-title">{step.title}</span>
        <ActionBadge action={step.action} />
      </div>
      <div className="review-step-resource mono">{step.resource}</div>
      {step.dependsOn.length > 0 && (
        <div className="review-step-deps">
          {`After: ${step.dependsOn.map((id) => titles.get(id) ?? id).join(", ")}`}
        </div>
      )}
      <details className="review-request">
        <summary>Request</summary>
        <pre className="code-view">
          <code>{step.request}</code>
        </pre>
      </details>
    </li>
  );
}

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

export function CostTable({ cost }: { cost: CostEstimate }) {
  return (
    <div className="cost" data-testid="review-cost">
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th>Item</th>
              <th className="num">Quantity</th>
              <th className="num">Unit price</th>
              <th className="num">Per month</th>
            </tr>
          </thead>
          <tbody>
            {cost.lines.map((line, index) => (
              <tr key={`${line.item}-${index}`}>
                <td>{line.item}</td>
                <td className="num">{`${line.quantity} ${line.unit}`}</td>
                <td className="num">{usd.format(line.unitPriceUsd)}</td>
                <td className="num">{usd.format(line.monthlyUsd)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={3}>Estimated total per month</td>
              <td className="num" data-testid="review-cost-total">
                {usd.format(cost.totalMonthlyUsd)}
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      <div className="cost-notes">
        <p>{`Prices as of ${cost.pricesAsOf}.`}</p>
        {cost.assumptions.length > 0 && (
          <ul>
            {cost.assumptions.map((a, index) => (
              <li key={index}>{a}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
