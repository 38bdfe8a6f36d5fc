import { useMutation } from "@tanstack/react-query";
import { api } from "../api";
import type { Diagnosis } from "../bindings/Diagnosis";
import type { Session } from "../bindings/Session";
import { navigate } from "../lib/router";
import { useWizardStore } from "../lib/wizard/store";
import { ErrorNotice } from "./ErrorNotice";
import { AlertIcon } from "./Icons";

type DiagnosisPanelProps = {
  diagnosis: Diagnosis;
  testId: string;
  /** For a failure Pipewright's plan fixes: the session and the CodeBuild project it applied. */
  fix?: { session: Session; project: string } | null;
  compact?: boolean;
};

/**
 * What went wrong and what to do, as Rust diagnosed it: the title, the lines that show the cause,
 * the fix. A failure that Pipewright's own plan sets (its ECR policy, the project's privileged
 * flag) offers "Review the fix": the plan it last applied, opened at the wizard's review, where
 * the change is shown as its requests before anything is applied (through the journal).
 */
export function DiagnosisPanel({ diagnosis, testId, fix, compact = false }: DiagnosisPanelProps) {
  const store = useWizardStore();
  const open = useMutation({
    mutationFn: async () => (fix ? api.diagnosisFixPlan(fix.session, fix.project) : null),
    onSuccess: (plan) => {
      if (!plan) return;
      store.load(plan, null);
      navigate("new-pipeline");
    },
  });
  const known = diagnosis.code !== "unknown";
  return (
    <div
      className={`diagnosis${compact ? " diagnosis-compact" : ""}${known ? "" : " diagnosis-unknown"}`}
      data-testid={testId}
      data-code={diagnosis.code}
      role="note"
    >
      <div className="diagnosis-head">
        <AlertIcon size={compact ? 13 : 15} />
        <span className="diagnosis-title">{diagnosis.title}</span>
        {diagnosis.phase && known && <span className="diagnosis-phase">in {diagnosis.phase}</span>}
      </div>
      {diagnosis.lines.length > 0 && (
        <pre className="diagnosis-lines" data-testid={`${testId}-lines`}>
          {diagnosis.lines.join("\n")}
        </pre>
      )}
      <p className="diagnosis-fix" data-testid={`${testId}-fix`}>
        {diagnosis.fix}
      </p>
      {diagnosis.planFix && fix && (
        <div className="diagnosis-actions">
          <button
            type="button"
            className="button button-small"
            onClick={() => open.mutate()}
            disabled={open.isPending}
            data-testid={`${testId}-review-fix`}
          >
            Review the fix
          </button>
          {open.data === null && (
            <span className="muted" data-testid={`${testId}-no-plan`}>
              Pipewright did not create {fix.project} on this computer: fix it in the console.
            </span>
          )}
        </div>
      )}
      {open.error && <ErrorNotice error={open.error} />}
    </div>
  );
}
