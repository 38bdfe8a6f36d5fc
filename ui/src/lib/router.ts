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

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** Tiny hash router: `#/profiles`, `#/pipelines`, … */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => parseRoute(window.location.hash));
}
