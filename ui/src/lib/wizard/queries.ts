import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api";
import type { ConnectionInfo } from "../../bindings/ConnectionInfo";
import type { Plan } from "../../bindings/Plan";
import type { Session } from "../../bindings/Session";
import { useDebounced } from "../useDebounced";
import { timing } from "./timing";

/** The part of a query key that names the account/region a lookup ran in. */
function sessionKey(session: Session) {
  return [session.profile?.source ?? null, session.profile?.name ?? null, session.region ?? null] as const;
}

export const wizardKeys = {
  planReference: ["planReference"] as const,
  planValidate: (plan: Plan) => ["planValidate", plan] as const,
  identity: (s: Session) => ["identity", ...sessionKey(s)] as const,
  connections: (s: Session) => ["connections", ...sessionKey(s)] as const,
  connection: (s: Session, arn: string) => ["connection", ...sessionKey(s), arn] as const,
  ecrRepositories: (s: Session) => ["ecrRepositories", ...sessionKey(s)] as const,
  ecsClusters: (s: Session) => ["ecsClusters", ...sessionKey(s)] as const,
  ecsServices: (s: Session, cluster: string) => ["ecsServices", ...sessionKey(s), cluster] as const,
  ecsContainers: (s: Session, cluster: string, service: string) =>
    ["ecsContainers", ...sessionKey(s), cluster, service] as const,
  codebuildProjects: (s: Session) => ["codebuildProjects", ...sessionKey(s)] as const,
  ecrPolicy: (s: Session, repository: string) => ["ecrPolicy", ...sessionKey(s), repository] as const,
  buildspec: (s: Session, plan: Plan) => ["buildspec", ...sessionKey(s), plan] as const,
  review: (s: Session, plan: Plan) => ["review", ...sessionKey(s), plan] as const,
};

export function usePlanReference(enabled: boolean) {
  return useQuery({ queryKey: wizardKeys.planReference, queryFn: api.planReference, staleTime: Infinity, enabled });
}

/** plan_validate on the plan as it is being typed (debounced); the last answer stays while the next runs. */
export function useLiveIssues(plan: Plan | null) {
  const debounced = useDebounced(plan, timing.debounceMs);
  return useQuery({
    queryKey: wizardKeys.planValidate(debounced as Plan),
    queryFn: () => api.planValidate(debounced as Plan),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

/** The account behind the session (for the default artifact bucket's name). */
export function useAccountId(session: Session, known: string | null) {
  const identity = useQuery({
    queryKey: wizardKeys.identity(session),
    queryFn: () => api.profileTest(session.profile!, session.region),
    enabled: known === null && session.profile !== null,
    staleTime: Infinity,
  });
  return known ?? identity.data?.account ?? null;
}

export function useConnections(session: Session) {
  return useQuery({ queryKey: wizardKeys.connections(session), queryFn: () => api.connectionsList(session) });
}

/**
 * One connection, polled every few seconds while it is PENDING (the user is completing the
 * handshake in the AWS console). Each answer also refreshes the entry in the connections list.
 */
export function useConnection(session: Session, arn: string, known: ConnectionInfo | undefined) {
  const client = useQueryClient();
  return useQuery({
    queryKey: wizardKeys.connection(session, arn),
    queryFn: async () => {
      const info = await api.connectionGet(session, arn);
      client.setQueryData<ConnectionInfo[]>(wizardKeys.connections(session), (list) =>
        list?.map((c) => (c.arn === info.arn ? info : c)),
      );
      return info;
    },
    enabled: arn !== "",
    initialData: known,
    initialDataUpdatedAt: () => client.getQueryState(wizardKeys.connections(session))?.dataUpdatedAt,
    refetchInterval: (query) => (query.state.data?.status === "PENDING" ? timing.connectionPollMs : false),
    refetchIntervalInBackground: true,
  });
}

export function useEcrRepositories(session: Session) {
  return useQuery({ queryKey: wizardKeys.ecrRepositories(session), queryFn: () => api.ecrRepositories(session) });
}

export function useEcsClusters(session: Session, enabled = true) {
  return useQuery({ queryKey: wizardKeys.ecsClusters(session), queryFn: () => api.ecsClusters(session), enabled });
}

export function useEcsServices(session: Session, cluster: string) {
  return useQuery({
    queryKey: wizardKeys.ecsServices(session, cluster),
    queryFn: () => api.ecsServices(session, cluster),
    enabled: cluster !== "",
  });
}

export function useEcsContainers(session: Session, cluster: string, service: string) {
  return useQuery({
    queryKey: wizardKeys.ecsContainers(session, cluster, service),
    queryFn: () => api.ecsContainers(session, cluster, service),
    enabled: cluster !== "" && service !== "",
  });
}

export function useCodebuildProjects(session: Session, enabled: boolean) {
  return useQuery({
    queryKey: wizardKeys.codebuildProjects(session),
    queryFn: () => api.codebuildProjects(session),
    enabled,
  });
}

/** The least-privilege policy Rust generates for the plan's repository. */
export function useGeneratedEcrPolicy(session: Session, plan: Plan) {
  const repository = useDebounced(plan.ecr.repository, timing.debounceMs);
  return useQuery({
    queryKey: wizardKeys.ecrPolicy(session, repository),
    queryFn: () =>
      api.ecrPolicyGenerate(session, { ...plan, ecr: { ...plan.ecr, repository, policyDocument: null } }),
    enabled: repository !== "",
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

export function useGeneratedBuildspec(session: Session, plan: Plan) {
  const debounced = useDebounced(plan, timing.debounceMs);
  return useQuery({
    queryKey: wizardKeys.buildspec(session, debounced),
    queryFn: () => api.buildspecGenerate(session, debounced),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

export function usePlanReview(session: Session, plan: Plan) {
  return useQuery({
    queryKey: wizardKeys.review(session, plan),
    queryFn: () => api.planReview(session, plan),
    // Always ask again on arrival: AWS may have changed since.
    staleTime: 0,
    gcTime: 60_000,
  });
}
