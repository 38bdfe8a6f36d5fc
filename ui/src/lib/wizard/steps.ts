/** The wizard's steps, in order, and which plan section each one edits. */
export const STEPS = [
  { key: "pipeline", title: "Pipeline settings", short: "Pipeline", section: "pipeline" },
  { key: "source", title: "Source", short: "Source", section: "source" },
  { key: "build", title: "Build", short: "Build", section: "build" },
  { key: "ecr", title: "ECR permissions", short: "ECR", section: "ecr" },
  { key: "buildspec", title: "buildspec.yml", short: "buildspec", section: "buildspec" },
  { key: "deploy", title: "Deploy", short: "Deploy", section: "deploy" },
  { key: "review", title: "Review", short: "Review", section: null },
  { key: "create", title: "Create", short: "Create", section: null },
] as const;

export type StepKey = (typeof STEPS)[number]["key"];

export const REVIEW_STEP = 6;
export const CREATE_STEP = 7;
export const LAST_FORM_STEP = 5;

/** The step whose form owns a plan path such as `build.timeoutMinutes`; the review step for anything else. */
export function stepOfPath(path: string | null | undefined): number {
  if (!path) return REVIEW_STEP;
  const section = path.split(".")[0];
  const index = STEPS.findIndex((s) => s.section !== null && s.section === section);
  return index === -1 ? REVIEW_STEP : index;
}

/** `build.environmentVariables.0.name` → `build-environmentVariables-0-name` (for data-testid). */
export function dashed(path: string): string {
  return path.replace(/\./g, "-");
}
