import { useSyncExternalStore } from "react";

export const ROUTES = ["profiles", "new-pipeline", "pipelines", "history"] as const;
export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = "profiles";

export const ROUTE_TITLES: Record<Route, string> = {
  profiles: "Profiles",
  "new-pipeline": "New pipeline",
  pipelines: "Pipelines",
  history: "Build history",
};

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "").split(/[/?]/)[0] ?? "";
  return (ROUTES as readonly string[]).includes(path) ? (path as Route) : DEFAULT_ROUTE;
}

export function routeHref(route: Route): string {
  return `#/${route}`;
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

/** `#/pipelines/<name>` → the pipeline's name (decoded); null on the list or any other page. */
export function parsePipelineName(hash: string): string | null {
  const match = /^#?\/?pipelines\/([^/?]+)/.exec(hash);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The address of one pipeline's page. */
export function pipelineHref(name: string): string {
  return `#/pipelines/${encodeURIComponent(name)}`;
}

export function navigateToPipeline(name: string): void {
  window.location.hash = pipelineHref(name);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** Tiny hash router: `#/profiles`, `#/pipelines`, … */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => parseRoute(window.location.hash));
}

/** The pipeline of `#/pipelines/<name>`, or null. */
export function usePipelineName(): string | null {
  return useSyncExternalStore(subscribe, () => parsePipelineName(window.location.hash));
}
