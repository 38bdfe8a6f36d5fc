import type { ReactNode } from "react";

type CardProps = {
  /** The heading's id, which labels the card. */
  titleId: string;
  title: ReactNode;
  subtitle?: ReactNode;
  /** At the right of the header (a spinner, a button). */
  aside?: ReactNode;
  className?: string;
  testId?: string;
  /** `data-phase` of the card (the wizard's Create step). */
  phase?: string;
  children?: ReactNode;
};

/** A card with its header (title, optional subtitle and aside): the section of every page. */
export function Card({ titleId, title, subtitle, aside, className, testId, phase, children }: CardProps) {
  return (
    <section className={className ? `card ${className}` : "card"} aria-labelledby={titleId} data-testid={testId} data-phase={phase}>
      <div className="card-header">
        <div>
          <h2 className="card-title" id={titleId}>
            {title}
          </h2>
          {subtitle !== undefined && <p className="card-subtitle">{subtitle}</p>}
        </div>
        {aside !== undefined && (
          <>
            <span className="spacer" />
            {aside}
          </>
        )}
      </div>
      {children}
    </section>
  );
}
