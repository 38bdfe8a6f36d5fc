import type { ComponentType } from "react";
import type { WizardStep } from "../../lib/wizard/store";
import { BuildspecStep } from "./BuildspecStep";
import { BuildStep } from "./BuildStep";
import { CreateStep } from "./CreateStep";
import { DeployStep } from "./DeployStep";
import { EcrStep } from "./EcrStep";
import { PipelineStep } from "./PipelineStep";
import { ReviewStep } from "./ReviewStep";
import { SourceStep } from "./SourceStep";
import type { StepProps } from "./types";

/**
 * The wizard's steps, in order: the one place that says which steps there are and in which order.
 * The stepper, the footer's Back and Next, navigation (`WizardStore`, given these by
 * `WizardProvider`) and the page (`Wizard`, which renders `Component`) all derive from it, and
 * find a step by its key, never by a number.
 */
export const STEPS = [
  { key: "pipeline", title: "Pipeline settings", short: "Pipeline", section: "pipeline", Component: PipelineStep },
  { key: "source", title: "Source", short: "Source", section: "source", Component: SourceStep },
  { key: "build", title: "Build", short: "Build", section: "build", Component: BuildStep },
  { key: "ecr", title: "ECR permissions", short: "ECR", section: "ecr", Component: EcrStep },
  { key: "buildspec", title: "buildspec.yml", short: "buildspec", section: "buildspec", Component: BuildspecStep },
  { key: "deploy", title: "Deploy", short: "Deploy", section: "deploy", Component: DeployStep },
  { key: "review", title: "Review", short: "Review", section: null, Component: ReviewStep },
  { key: "create", title: "Create", short: "Create", section: null, Component: CreateStep },
] as const satisfies readonly (WizardStep & { Component: ComponentType<StepProps> })[];
