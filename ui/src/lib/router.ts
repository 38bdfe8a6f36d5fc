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

/** `#/pipelines/<name>?approval`: the page should bring the waiting approval into view. */
export function wantsApproval(hash: string): boolean {
  return /^#?\/?pipelines\/[^/?]+\?(.*&)?approval(&|=|$)/.test(hash);
}

/** The same address without what follows `?` (once the page has done what it asked). */
export function withoutQuery(hash: string): string {
  return hash.split("?")[0] ?? hash;
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

/** Whether the address asks the pipeline page for its waiting approval (`?approval`). */
export function useWantsApproval(): boolean {
  return useSyncExternalStore(subscribe, () => wantsApproval(window.location.hash));
}

/** The pipeline of `#/pipelines/<name>`, or null. */
export function usePipelineName(): string | null {
  return useSyncExternalStore(subscribe, () => parsePipelineName(window.location.hash));
}

// ---------------------------------------------------------------------------------------------
// Build history: `#/history`, `#/history/<project>`, `#/history/<project>/builds/<buildId>`,
// `#/history/releases`, `#/history/releases/<pipeline>`. (A CodeBuild project named "releases"
// would be shadowed by the Releases tab.)

export type HistoryRoute =
  | { tab: "builds"; project: null; buildId: null }
  | { tab: "builds"; project: string; buildId: string | null }
  | { tab: "releases"; pipeline: string | null };

function decodeSegment(segment: string | undefined): string | null {
  if (!segment) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function parseHistoryRoute(hash: string): HistoryRoute {
  const path = hash.replace(/^#?\/?/, "").split("?")[0] ?? "";
  const parts = path.split("/");
  if (parts[0] !== "history") return { tab: "builds", project: null, buildId: null };
  if (parts[1] === "releases") return { tab: "releases", pipeline: decodeSegment(parts[2]) };
  const project = decodeSegment(parts[1]);
  if (!project) return { tab: "builds", project: null, buildId: null };
  const buildId = parts[2] === "builds" ? decodeSegment(parts[3]) : null;
  return { tab: "builds", project, buildId };
}

export function historyHref(to: { project?: string | null; buildId?: string | null; releases?: boolean; pipeline?: string | null }): string {
  if (to.releases) return to.pipeline ? `#/history/releases/${encodeURIComponent(to.pipeline)}` : "#/history/releases";
  if (!to.project) return "#/history";
  const base = `#/history/${encodeURIComponent(to.project)}`;
  return to.buildId ? `${base}/builds/${encodeURIComponent(to.buildId)}` : base;
}

export function navigateHistory(to: Parameters<typeof historyHref>[0]): void {
  window.location.hash = historyHref(to);
}

let lastHistoryHash = "";
let lastHistoryRoute: HistoryRoute = { tab: "builds", project: null, buildId: null };

/** The Build history sub-route of the current hash (same object while the hash does not change). */
export function useHistoryRoute(): HistoryRoute {
  return useSyncExternalStore(subscribe, () => {
    const hash = window.location.hash;
    if (hash !== lastHistoryHash) {
      lastHistoryHash = hash;
      lastHistoryRoute = parseHistoryRoute(hash);
    }
    return lastHistoryRoute;
  });
}
