import { QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";
import type { AppError } from "../bindings/AppError";
import type { ProfileInput } from "../bindings/ProfileInput";
import type { ProfileRef } from "../bindings/ProfileRef";
import type { Session } from "../bindings/Session";

declare module "@tanstack/react-query" {
  interface Register {
    // Everything that comes out of api.ts rejects with an AppError.
    defaultError: AppError;
  }
}

export const queryKeys = {
  profiles: ["profiles"],
  session: ["session"],
  appInfo: ["appInfo"],
  regions: ["regions"],
} as const;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // IPC errors are deterministic (bad keyring, bad config): retrying only delays the message.
        retry: false,
        staleTime: 30_000,
      },
      mutations: {
        retry: false,
        // Mutation variables can hold secrets: do not keep finished mutations around.
        gcTime: 0,
      },
    },
  });
}

export function useAppInfo() {
  return useQuery({ queryKey: queryKeys.appInfo, queryFn: api.appInfo, staleTime: Infinity });
}

export function useRegions() {
  return useQuery({ queryKey: queryKeys.regions, queryFn: api.regionsList, staleTime: Infinity });
}

export function useProfiles() {
  return useQuery({ queryKey: queryKeys.profiles, queryFn: api.profilesList });
}

export function useSession() {
  return useQuery({ queryKey: queryKeys.session, queryFn: api.sessionGet });
}

export function useSetSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (session: Session) => api.sessionSet(session),
    onSuccess: (session) => {
      client.setQueryData(queryKeys.session, session);
    },
  });
}

/** Profile changes can rename or remove the current profile, so refresh the session too. */
function useInvalidateProfiles() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.profiles }),
      client.invalidateQueries({ queryKey: queryKeys.session }),
    ]);
}

export function useSaveProfile() {
  const invalidate = useInvalidateProfiles();
  return useMutation({
    mutationFn: (input: ProfileInput) => api.profileSave(input),
    onSuccess: invalidate,
  });
}

export function useRemoveProfile() {
  const invalidate = useInvalidateProfiles();
  return useMutation({
    mutationFn: (name: string) => api.profileRemove(name),
    onSuccess: invalidate,
  });
}

export function useCredentialsTest() {
  return useMutation({
    mutationFn: (input: ProfileInput) => api.credentialsTest(input),
  });
}

export function useProfileTest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ profile, region }: { profile: ProfileRef; region: string | null }) =>
      api.profileTest(profile, region),
    // A successful test records the account id on the profile.
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.profiles }),
  });
}
