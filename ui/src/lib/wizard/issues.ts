import { createContext, useContext } from "react";
import type { Issue } from "../../bindings/Issue";

/** plan_validate's issues by path (the first message per path). */
export type IssueMap = ReadonlyMap<string, string>;

export function issueMap(issues: readonly Issue[] | undefined): IssueMap {
  const map = new Map<string, string>();
  for (const issue of issues ?? []) if (!map.has(issue.path)) map.set(issue.path, issue.message);
  return map;
}

export const IssuesContext = createContext<IssueMap>(new Map());

/** The Rust validation message for one plan field, if any. */
export function useIssue(path: string): string | undefined {
  return useContext(IssuesContext).get(path);
}

/** `build.environmentVariables.0.name` → `build-environmentVariables-0-name` (for data-testid). */
export function dashed(path: string): string {
  return path.replace(/\./g, "-");
}
