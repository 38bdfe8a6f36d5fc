import { useState } from "react";
import { api, toAppError } from "../../api";
import { useToast } from "../../lib/toast";
import { isBusy, useWizard, useWizardStore } from "../../lib/wizard/store";

/** Open plan… / Save plan… (pipewright.toml through the system file dialogs). */
export function PlanFileActions({ testIdPrefix }: { testIdPrefix: string }) {
  const store = useWizardStore();
  const { plan, planPath, run } = useWizard();
  const toast = useToast();
  const [working, setWorking] = useState(false);
  const disabled = working || isBusy(run.phase);

  async function openPlan() {
    setWorking(true);
    try {
      const opened = await api.planOpen();
      if (!opened) return;
      store.load(opened.plan, opened.path);
      toast.success("Plan opened", opened.path);
    } catch (error) {
      toast.error(toAppError(error));
    } finally {
      setWorking(false);
    }
  }

  async function savePlan() {
    if (!plan) return;
    setWorking(true);
    try {
      const path = await api.planSave(plan, planPath);
      if (!path) return;
      store.setPlanPath(path);
      toast.success("Plan saved", path);
    } catch (error) {
      toast.error(toAppError(error));
    } finally {
      setWorking(false);
    }
  }

  return (
    <div className="plan-file-actions">
      <button
        type="button"
        className="button"
        onClick={() => void openPlan()}
        disabled={disabled}
        data-testid={`${testIdPrefix}-open`}
      >
        Open plan…
      </button>
      <button
        type="button"
        className="button"
        onClick={() => void savePlan()}
        disabled={disabled || !plan}
        data-testid={`${testIdPrefix}-save`}
      >
        Save plan…
      </button>
    </div>
  );
}
