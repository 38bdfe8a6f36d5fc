/** Profiles, credentials and the session (profile + region) every AWS command runs with. */
import type { Identity } from "../bindings/Identity";
import type { Issue } from "../bindings/Issue";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileRef } from "../bindings/ProfileRef";
import type { ProfileSummary } from "../bindings/ProfileSummary";
import type { Session } from "../bindings/Session";
import { call } from "./core";

export const profilesApi = {
  profilesList: () => call<ProfileSummary[]>("profiles_list"),
  /** Every problem Rust finds with a profile form (offline), each naming its field. */
  profileValidate: (input: ProfileInput) => call<Issue[]>("profile_validate", { input }),
  profileSave: (input: ProfileInput) => call<ProfileSummary>("profile_save", { input }),
  profileRemove: (name: string) => call<null>("profile_remove", { name }),
  credentialsTest: (input: ProfileInput) => call<Identity>("credentials_test", { input }),
  profileTest: (profile: ProfileRef, region: string | null) =>
    call<Identity>("profile_test", { profile, region }),

  sessionGet: () => call<Session>("session_get"),
  sessionSet: (session: Session) => call<Session>("session_set", { session }),
};
