import { useId, type ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";

export type Choice<V extends string> = {
  value: V;
  title: ReactNode;
  description?: ReactNode;
  testId?: string;
};

/** A react-hook-form field, or a value held by the caller. */
type Binding<V extends string> =
  | { registration: UseFormRegisterReturn; value?: never; onChange?: never }
  | { registration?: never; value: V; onChange: (value: V) => void };

type ChoiceCardsProps<V extends string> = Binding<V> & {
  legend: ReactNode;
  choices: readonly Choice<V>[];
  /** Side by side (short options) or stacked. */
  layout?: "row" | "column";
  /** Under the cards (the choice's error). */
  children?: ReactNode;
};

/** A radio group drawn as cards, each with a one-line explanation. */
export function ChoiceCards<V extends string>({
  legend,
  choices,
  layout = "row",
  registration,
  value,
  onChange,
  children,
}: ChoiceCardsProps<V>) {
  const name = useId();
  return (
    <fieldset className="choice-group">
      <legend className="choice-legend">{legend}</legend>
      <div className={`choice-cards choice-cards-${layout}`}>
        {choices.map((choice) => (
          <label key={choice.value} className="choice-card">
            <input
              type="radio"
              value={choice.value}
              data-testid={choice.testId}
              {...(registration ?? {
                name,
                checked: value === choice.value,
                onChange: () => onChange?.(choice.value),
              })}
            />
            <span className="choice-text">
              <span className="choice-title">{choice.title}</span>
              {choice.description && <span className="choice-description">{choice.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {children}
    </fieldset>
  );
}
