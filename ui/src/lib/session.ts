import type { Session } from "../bindings/Session";
import { sameProfile } from "./profiles";
import { useProfiles, useSession } from "./queries";

export type SessionState =
  | { status: "loading" }
  | { status: "no-profiles" }
  | { status: "no-profile" }
  | { status: "no-region"; profileName: string }
  | {
      status: "ready";
      profileName: string;
      region: string;
      /** The session to send to AWS commands, with the region filled in from the profile when unset. */
      session: Session;
      /** The profile's account id from its last successful test, if any. */
      accountId: string | null;
    };

/** What a feature page still needs before it can talk to AWS. */
export function useSessionState(): SessionState {
  const session = useSession();
  const profiles = useProfiles();
  if (session.isPending || profiles.isPending) return { status: "loading" };
  if (!profiles.data || profiles.data.length === 0) return { status: "no-profiles" };
  const profile = session.data?.profile;
  if (!profile) return { status: "no-profile" };
  const summary = profiles.data.find((p) => sameProfile(p, profile));
  // The header shows the profile's own region when none was picked; use the same one.
  const region = session.data?.region ?? summary?.region ?? null;
  if (!region) return { status: "no-region", profileName: profile.name };
  return {
    status: "ready",
    profileName: profile.name,
    region,
    session: { profile, region },
    accountId: summary?.lastAccountId ?? null,
  };
}
