import { localDateTime } from "../../lib/format";
import type { Receipt } from "../../bindings/Receipt";
import { ExternalLink } from "../ExternalLink";
import { OutcomeBadge } from "./StatusBadge";
import { Card } from "../Card";

type ReceiptViewProps = {
  receipt: Receipt;
  titles: Map<string, string>;
  onTearDown?: () => void;
  busy: boolean;
};

/** What a run did: every resource with its ARN, outcome and console link. */
export function ReceiptView({ receipt, titles, onTearDown, busy }: ReceiptViewProps) {
  return (
    <Card
      titleId="receipt-title"
      title="Receipt"
      subtitle={
        <>
          <span className="mono">{receipt.pipeline}</span>
          <span>{`· account ${receipt.account} · ${receipt.region} · ${localDateTime(new Date(receipt.createdAt).getTime())}`}</span>
        </>
      }
      aside={
        <>
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
        </>
      }
      testId="receipt"
    >
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
    </Card>
  );
}
