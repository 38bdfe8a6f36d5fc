import { useId, type ReactNode } from "react";
import { ChevronRightIcon } from "./Icons";

type DisclosureProps = {
  /** The toggle's text. */
  label: ReactNode;
  open: boolean;
  onToggle: () => void;
  /** The toggle's data-testid. */
  testId?: string;
  panelClassName?: string;
  children: ReactNode;
};

/** A section behind a toggle ("Advanced", "Pipeline variables"); the caller holds whether it is open. */
export function Disclosure({ label, open, onToggle, testId, panelClassName, children }: DisclosureProps) {
  const panelId = useId();
  return (
    <div className="disclosure">
      <button
        type="button"
        className="disclosure-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={onToggle}
        data-testid={testId}
      >
        <ChevronRightIcon size={14} className="disclosure-chevron" />
        {label}
      </button>
      {open && (
        <div className={panelClassName ? `disclosure-panel ${panelClassName}` : "disclosure-panel"} id={panelId}>
          {children}
        </div>
      )}
    </div>
  );
}
