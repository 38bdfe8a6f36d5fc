import type { Plan } from "../../bindings/Plan";
import type { Session } from "../../bindings/Session";

/** What every step gets: the session for AWS lookups and the plan as it is now. */
export type StepProps = {
  session: Session;
  region: string;
  /** The account id when already known (from the profile's last test). */
  accountId: string | null;
  plan: Plan;
};
