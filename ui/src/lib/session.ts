import { useProfiles, useSession } from "./queries";

export type SessionState =
  | { status: "loading" }
  | { status: "no-profiles" }
  | { status: "no-profile" }
  | { status: "no-region"; profileName: string }
  | { status: "ready"; profileName: string; region: string };

/** What a feature page still needs before it can talk to AWS. */
export function useSessionState(): SessionState {
  const session = useSession();
  const profiles = useProfiles();
  if (session.isPending || profiles.isPending) return { status: "loading" };
  if (!profiles.data || profiles.data.length === 0) return { status: "no-profiles" };
  const profile = session.data?.profile;
  if (!profile) return { status: "no-profile" };
  const region = session.data?.region;
  if (!region) return { status: "no-region", profileName: profile.name };
  return { status: "ready", profileName: profile.name, region };
}
