import { localDateTime } from "../../lib/format";
import type { Receipt } from "../../bindings/Receipt";
import { ExternalLink } from "../ExternalLink";
import { OutcomeBadge } from "./StatusBadge";

type ReceiptViewProps = {
  receipt: Receipt;
  titles: Map<string, string>;
  onTearDown?: () => void;
  busy: boolean;
};

/** What a run did: every resource with its ARN, outcome and console link. */
export function ReceiptView({ receipt, titles, onTearDown, busy }: ReceiptViewProps) {
  return (
    <section className="card" aria-labelledby="receipt-title" data-testid="receipt">
      <div className="card-header">
        <div>
          <h2 className="card-title" id="receipt-title">
            Receipt
          </h2>
          <p className="card-subtitle">
            <span className="mono">{receipt.pipeline}</span>
            <span>{`· account ${receipt.account} · ${receipt.region} · ${localDateTime(new Date(receipt.createdAt).getTime())}`}</span>
          </p>
        </div>
        <span className="spacer" />
        {onTearDown && (
          <button
            type="button"
            className="button button-ghost-danger"
            onClick={onTearDown}
            disabled={busy}
            data-testid="receipt-teardown"
          >
            Tear down
          </button>
        )}
      </div>
      <div className="table-scroll">
        <table className="table receipt-table">
          <thead>
            <tr>
              <th>Resource</th>
              <th>Name and ARN</th>
              <th>Outcome</th>
              <th className="actions-col">
                <span className="visually-hidden">Links</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {receipt.resources.map((r) => (
              <tr key={`${r.step}-${r.name}`} data-testid={`receipt-resource-${r.step}`} data-outcome={r.outcome}>
                <td className="nowrap">{titles.get(r.step) ?? r.step}</td>
                <td>
                  <div>{r.name}</div>
                  {r.arn && <code className="receipt-arn">{r.arn}</code>}
                </td>
                <td>
                  <OutcomeBadge status={r.outcome} />
                </td>
                <td className="actions-col">{r.consoleUrl && <ExternalLink url={r.consoleUrl} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
