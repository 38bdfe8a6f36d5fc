import { useState } from "react";
import { ConfirmDialog } from "../ConfirmDialog";
import { ErrorNotice } from "../ErrorNotice";
import { ExternalLink } from "../ExternalLink";
import { CheckCircleIcon, ClockIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { isBusy, useWizard, useWizardStore, type RunPhase } from "../../lib/wizard/store";
import { ApplyProgress } from "./ApplyProgress";
import { ReceiptView } from "./ReceiptView";
import { StepCard } from "./StepCard";
import type { StepProps } from "./types";
import { WizardFooter } from "./WizardFooter";

const HEADLINES: Record<RunPhase, string> = {
  idle: "Not started",
  applying: "Creating the pipeline…",
  succeeded: "Pipeline created",
  failed: "Create failed",
  "rolling-back": "Rolling back…",
  "rolled-back": "Rolled back",
  "tearing-down": "Tearing down…",
  "torn-down": "Torn down",
};

/** Live progress of Create, then the receipt; Retry / Roll back on failure, Tear down after success. */
export function CreateStep({ session }: StepProps) {
  const store = useWizardStore();
  const { run, plan } = useWizard();
  const [confirming, setConfirming] = useState(false);
  const busy = isBusy(run.phase);
  const titles = new Map(run.steps.map((s) => [s.id, s.title]));
  const waiting = run.steps.find((s) => s.event?.status === "waiting");

  function retry() {
    if (!plan) return;
    void store.apply(
      session,
      plan,
      run.steps.map((s) => ({ id: s.id, title: s.title })),
    );
  }

  return (
    <div className="wizard-form">
      <StepCard
        heading={HEADLINES[run.phase]}
        phase={run.phase}
        subtitle={
          <>
            {busy && <Spinner size={12} />}
            {run.phase === "applying"
              ? "Independent resources are created at the same time. You can leave this page; it keeps going."
              : run.phase === "rolling-back" || run.phase === "tearing-down"
                ? "Deleting exactly what this run created."
                : "Every resource and what happened to it."}
          </>
        }
      >
        {waiting && run.phase === "applying" && (
          <div className="notice notice-waiting" role="status" data-testid="apply-waiting">
            <ClockIcon size={18} className="notice-icon" />
            <div className="notice-body">
              <div className="notice-title">{`${waiting.title}: waiting for you`}</div>
              <div className="notice-message">
                {waiting.event?.message ||
                  "Finish the GitHub handshake in the AWS console; Create continues by itself once the connection is AVAILABLE."}
              </div>
            </div>
            {waiting.event?.consoleUrl && (
              <div className="notice-action">
                <ExternalLink url={waiting.event.consoleUrl} testId="apply-connection-console">
                  Open AWS console
                </ExternalLink>
              </div>
            )}
          </div>
        )}

        <ApplyProgress steps={run.steps} />

        {run.phase === "succeeded" && (
          <div className="notice notice-success" role="status" data-testid="apply-done">
            <CheckCircleIcon size={18} className="notice-icon" />
            <div className="notice-body">
              <div className="notice-title">{`Pipeline “${run.receipt?.pipeline ?? plan?.pipeline.name ?? ""}” is ready`}</div>
              <div className="notice-message">
                Its first run has started. The receipt below lists every resource; keep it to tear them down later.
              </div>
            </div>
          </div>
        )}

        {run.phase === "failed" && (
          <>
            {run.error && (
              <ErrorNotice
                error={run.error}
                variant="banner"
                testId="apply-error"
                action={
                  <div className="inline-actions">
                    <button type="button" className="button button-primary" onClick={retry} data-testid="apply-retry">
                      Retry
                    </button>
                    {run.receipt && (
                      <button
                        type="button"
                        className="button button-ghost-danger"
                        onClick={() => void store.teardown(session)}
                        data-testid="apply-rollback"
                      >
                        Roll back
                      </button>
                    )}
                  </div>
                }
              />
            )}
            <p className="field-hint">
              Retry is safe: it reuses what already exists. Roll back deletes only what this run created.
            </p>
          </>
        )}

        {(run.phase === "rolled-back" || run.phase === "torn-down") && (
          <div className="notice notice-success" role="status" data-testid="apply-removed">
            <CheckCircleIcon size={18} className="notice-icon" />
            <div className="notice-body">
              <div className="notice-title">
                {run.phase === "rolled-back" ? "Rolled back" : "Torn down"}
              </div>
              <div className="notice-message">Everything this run created was deleted; reused resources were left alone.</div>
            </div>
          </div>
        )}

        {run.teardownError && <ErrorNotice error={run.teardownError} testId="teardown-error" />}
      </StepCard>

      {run.receipt && run.receipt.resources.length > 0 && (
        <ReceiptView
          receipt={run.receipt}
          titles={titles}
          busy={busy}
          onTearDown={run.phase === "succeeded" ? () => setConfirming(true) : undefined}
        />
      )}

      <WizardFooter next={false} busy={busy}>
        {!busy && (
          <button type="button" className="button" onClick={() => store.reset()} data-testid="wizard-start-over">
            Start a new pipeline
          </button>
        )}
      </WizardFooter>

      {confirming && run.receipt && (
        <ConfirmDialog
          title={`Tear down “${run.receipt.pipeline}”?`}
          confirmLabel="Tear down"
          danger
          onConfirm={() => {
            setConfirming(false);
            void store.teardown(session);
          }}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Pipewright deletes exactly what this run created (
            {run.receipt.resources.filter((r) => r.outcome === "created").length} resources). Resources it reused stay
            as they are. This can’t be undone.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
