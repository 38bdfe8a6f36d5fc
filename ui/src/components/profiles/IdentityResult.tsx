import type { Identity } from "../../bindings/Identity";
import { CheckCircleIcon } from "../Icons";

/** Result of a successful connection test: account id and caller ARN, as text. */
export function IdentityResult({ identity, testId }: { identity: Identity; testId: string }) {
  return (
    <div className="notice notice-success" role="status" data-testid={testId}>
      <CheckCircleIcon size={16} className="notice-icon" />
      <div className="notice-body">
        <div className="notice-title">
          Connected to account <span className="mono">{identity.account}</span>
        </div>
        <div className="notice-message mono identity-arn">{identity.arn}</div>
      </div>
    </div>
  );
}
