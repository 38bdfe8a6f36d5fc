import { Channel } from "@tauri-apps/api/core";
import { createContext, useContext, useSyncExternalStore } from "react";
import { api, toAppError } from "../../api";
import type { AppError } from "../../bindings/AppError";
import type { ApplyEvent } from "../../bindings/ApplyEvent";
import type { Plan } from "../../bindings/Plan";
import type { Receipt } from "../../bindings/Receipt";
import type { Session } from "../../bindings/Session";
import type { StepId } from "../../bindings/StepId";

export type RunPhase =
  | "idle"
  | "applying"
  | "succeeded"
  | "failed"
  | "rolling-back"
  | "rolled-back"
  | "tearing-down"
  | "torn-down";

export type RunStep = { id: StepId; title: string; event: ApplyEvent | null };

export type RunState = {
  phase: RunPhase;
  /** One row per resource, with the latest event streamed for it. */
  steps: RunStep[];
  /** The receipt of the last apply (or rollback / tear-down). */
  receipt: Receipt | null;
  /** Why the apply failed. */
  error: AppError | null;
  /** Why the last rollback / tear-down did not finish. */
  teardownError: AppError | null;
};

/**
 * What the store knows of a wizard step. The steps and their order are stated once, in the
 * registry `components/wizard/steps.ts`, which hands them to the store (`WizardProvider`).
 */
export type WizardStep = {
  key: string;
  title: string;
  /** The label in the stepper. */
  short: string;
  /** The plan section the step's form edits; null for a step without a form (Review, Create). */
  section: keyof Plan | null;
};

/** How the Source step gets its GitHub connection (UI only; the plan keeps a ConnectionChoice). */
export type ConnectionMode = "existing" | "create" | "deferred";

export type WizardState = {
  /** The plan being edited: one object shared by every step. Null until plan_reference answers. */
  plan: Plan | null;
  /** Bumped when the plan is replaced wholesale (Open plan…): step forms re-read it. */
  revision: number;
  /** The current step (index into the store's `steps`). */
  step: number;
  /** The furthest step reached: every step up to it can be clicked in the stepper. */
  reached: number;
  /** Where to go once the current step's form validates (a forward click in the stepper). */
  target: number | null;
  connectionMode: ConnectionMode | null;
  /** The last plan file opened or saved, to suggest it in the save dialog. */
  planPath: string | null;
  run: RunState;
};

const IDLE_RUN: RunState = { phase: "idle", steps: [], receipt: null, error: null, teardownError: null };

function initialState(): WizardState {
  return {
    plan: null,
    revision: 0,
    step: 0,
    reached: 0,
    target: null,
    connectionMode: null,
    planPath: null,
    run: IDLE_RUN,
  };
}

export function isBusy(phase: RunPhase): boolean {
  return phase === "applying" || phase === "rolling-back" || phase === "tearing-down";
}

/**
 * The wizard's state, outside React so that it survives page changes and a running Create keeps
 * streaming into it. Components read it with `useWizard()`.
 */
export class WizardStore {
  private state: WizardState = initialState();
  private readonly listeners = new Set<() => void>();
  /** Events of an older run (or tear-down) are ignored once a newer one started. */
  private runToken = 0;
  /** Where an opened plan goes (Review) and where a run shows (Create). */
  private readonly reviewStep: number;
  private readonly createStep: number;

  /** `steps`, in order, must include `review` and `create`. */
  constructor(readonly steps: readonly WizardStep[]) {
    this.reviewStep = this.indexOf("review");
    this.createStep = this.indexOf("create");
  }

  /** The index of the step with this key. */
  indexOf(key: string): number {
    const index = this.steps.findIndex((s) => s.key === key);
    if (index === -1) throw new Error(`The wizard has no step "${key}"`);
    return index;
  }

  /** The step whose form edits a plan path such as `build.timeoutMinutes`; null when no form does. */
  formStepOf(path: string | null | undefined): number | null {
    const section = path?.split(".")[0];
    const index = this.steps.findIndex((s) => s.section !== null && s.section === section);
    return index === -1 ? null : index;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): WizardState => this.state;

  private set(patch: Partial<WizardState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private setRun(patch: Partial<RunState>): void {
    this.set({ run: { ...this.state.run, ...patch } });
  }

  /** Start from this plan unless one is already being edited. */
  init(plan: Plan): void {
    if (!this.state.plan) this.set({ plan });
  }

  updatePlan(update: (plan: Plan) => Plan): void {
    const { plan } = this.state;
    if (plan) this.set({ plan: update(plan) });
  }

  /** Replace the plan (opened from a file) and go to Review. */
  load(plan: Plan, path: string | null): void {
    this.set({
      plan,
      revision: this.state.revision + 1,
      planPath: path,
      step: this.reviewStep,
      reached: Math.max(this.state.reached, this.reviewStep),
      target: null,
      connectionMode: null,
    });
  }

  setPlanPath(path: string): void {
    this.set({ planPath: path });
  }

  setConnectionMode(mode: ConnectionMode): void {
    this.set({ connectionMode: mode });
  }

  canGoTo(step: number): boolean {
    const { reached, run } = this.state;
    if (isBusy(run.phase)) return false;
    if (step === this.createStep) return run.phase !== "idle";
    return step >= 0 && step <= reached;
  }

  goTo(step: number): void {
    if (this.canGoTo(step)) this.set({ step, target: null });
  }

  /** Remember where to go after the current form validates. */
  setTarget(target: number | null): void {
    this.set({ target });
  }

  /** The current step's form is valid: go to the target (or the next step). */
  advance(): void {
    const next = this.state.target ?? this.state.step + 1;
    this.set({ step: next, reached: Math.max(this.state.reached, next), target: null });
  }

  back(): void {
    this.set({ step: Math.max(0, this.state.step - 1), target: null });
  }

  /** Forget everything (a new pipeline from the reference plan). */
  reset(): void {
    this.runToken += 1;
    this.state = initialState();
    for (const listener of this.listeners) listener();
  }

  private onEvent(token: number, event: ApplyEvent): void {
    if (token !== this.runToken) return;
    const steps = this.state.run.steps;
    const known = steps.some((s) => s.id === event.step);
    this.setRun({
      steps: known
        ? steps.map((s) => (s.id === event.step ? { ...s, event } : s))
        : [...steps, { id: event.step, title: event.step, event }],
    });
  }

  private channel(token: number): Channel<ApplyEvent> {
    const channel = new Channel<ApplyEvent>();
    channel.onmessage = (event) => this.onEvent(token, event);
    return channel;
  }

  /** Create (or retry): apply_start with live progress. `titles` lists the steps in order. */
  async apply(session: Session, plan: Plan, titles: { id: StepId; title: string }[]): Promise<void> {
    if (isBusy(this.state.run.phase)) return;
    const token = ++this.runToken;
    this.set({
      step: this.createStep,
      reached: Math.max(this.state.reached, this.createStep),
      target: null,
      run: { ...IDLE_RUN, phase: "applying", steps: titles.map((t) => ({ id: t.id, title: t.title, event: null })) },
    });
    try {
      const receipt = await api.applyStart(session, plan, this.channel(token));
      if (token !== this.runToken) return;
      this.setRun({ phase: receipt.status === "succeeded" ? "succeeded" : "failed", receipt, error: receipt.error });
    } catch (caught) {
      if (token !== this.runToken) return;
      this.setRun({ phase: "failed", error: toAppError(caught) });
    }
  }

  /** A run that was cut off: apply its plan again (Rust continues the same receipt). */
  async resume(session: Session, receipt: Receipt, titles: { id: StepId; title: string }[]): Promise<void> {
    if (!receipt.plan || isBusy(this.state.run.phase)) return;
    this.load(receipt.plan, null);
    this.set({ step: this.createStep, reached: this.createStep });
    await this.apply(session, receipt.plan, titles);
  }

  /** A run that was cut off: undo what its receipt says it did. */
  async rollBackUnfinished(session: Session, receipt: Receipt, titles: { id: StepId; title: string }[]): Promise<void> {
    if (isBusy(this.state.run.phase)) return;
    if (receipt.plan) this.load(receipt.plan, null);
    this.set({ step: this.createStep, reached: this.createStep });
    this.setRun({
      phase: "failed",
      receipt,
      error: null,
      teardownError: null,
      steps: titles.map((t) => ({ id: t.id, title: t.title, event: null })),
    });
    await this.teardown(session);
  }

  /** Roll back a failed run or tear down a finished one: receipt_teardown with live progress. */
  async teardown(session: Session): Promise<void> {
    const { run } = this.state;
    if (!run.receipt || isBusy(run.phase)) return;
    const before = run.phase;
    const token = ++this.runToken;
    this.setRun({ phase: before === "failed" ? "rolling-back" : "tearing-down", teardownError: null });
    try {
      const receipt = await api.receiptTeardown(session, run.receipt.id, this.channel(token));
      if (token !== this.runToken) return;
      if (receipt.status === "rolled_back" || receipt.status === "torn_down") {
        this.setRun({ phase: receipt.status === "rolled_back" ? "rolled-back" : "torn-down", receipt });
      } else {
        this.setRun({ phase: before, receipt, teardownError: receipt.error });
      }
    } catch (caught) {
      if (token !== this.runToken) return;
      this.setRun({ phase: before, teardownError: toAppError(caught) });
    }
  }
}

export const WizardContext = createContext<WizardStore | null>(null);

export function useWizardStore(): WizardStore {
  const store = useContext(WizardContext);
  if (!store) throw new Error("useWizardStore must be used inside <WizardProvider>");
  return store;
}

export function useWizard(): WizardState {
  const store = useWizardStore();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** The current step alone: unlike `useWizard()`, it does not re-render on every edit of the plan. */
export function useWizardStep(): number {
  const store = useWizardStore();
  return useSyncExternalStore(store.subscribe, () => store.getState().step);
}
