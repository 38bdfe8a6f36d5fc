import type { ProfileRef } from "../bindings/ProfileRef";
import type { ProfileSource } from "../bindings/ProfileSource";
import type { ProfileSummary } from "../bindings/ProfileSummary";

export const SOURCE_ORDER: readonly ProfileSource[] = ["pipewright", "aws_cli", "environment", "sandbox"];

export const SOURCE_LABELS: Record<ProfileSource, string> = {
  pipewright: "Pipewright",
  aws_cli: "AWS CLI",
  environment: "Environment",
  sandbox: "Sandbox",
};

/** Stable identity for a profile across sources (names may repeat between sources). */
export function profileKey(ref: ProfileRef): string {
  return `${ref.source}:${ref.name}`;
}

export function toRef(profile: ProfileSummary): ProfileRef {
  return { source: profile.source, name: profile.name };
}

export function sameProfile(a: ProfileRef | null | undefined, b: ProfileRef | null | undefined): boolean {
  return !!a && !!b && a.source === b.source && a.name === b.name;
}

export function groupBySource(profiles: readonly ProfileSummary[]): [ProfileSource, ProfileSummary[]][] {
  return SOURCE_ORDER.map((source): [ProfileSource, ProfileSummary[]] => [
    source,
    profiles.filter((p) => p.source === source),
  ]).filter(([, list]) => list.length > 0);
}
