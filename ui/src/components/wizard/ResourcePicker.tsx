import type { UseQueryResult } from "@tanstack/react-query";
import type { UseFormRegisterReturn } from "react-hook-form";
import type { AppError } from "../../bindings/AppError";
import { describeError } from "../../lib/errors";
import { Spinner } from "../Spinner";
import type { PlanControlProps } from "./fields";
import { CodeInput } from "../Field";

export type PickerOption = { value: string; label: string };

type ResourcePickerProps = {
  control: PlanControlProps;
  registration: UseFormRegisterReturn;
  /** The lookup (ecs_clusters, ecr_repositories, …), already mapped to options. */
  query: Pick<UseQueryResult<unknown, AppError>, "isPending" | "isFetching" | "error">;
  options: PickerOption[] | undefined;
  /** The field's current value: always selectable, even when AWS no longer lists it. */
  value: string;
  /** What the empty option says, e.g. "Choose a cluster". */
  placeholder: string;
  /** What a listed-nowhere value is called, e.g. "not found in this account". */
  missingLabel?: string;
  /** What the lookup is, for its error text ("clusters"). */
  noun: string;
};

/**
 * A select filled from an AWS lookup. While it loads, the current value stays selected; if the
 * lookup fails, a text box takes its place so the user can type the name.
 */
export function ResourcePicker({
  control,
  registration,
  query,
  options,
  value,
  placeholder,
  missingLabel = "not found",
  noun,
}: ResourcePickerProps) {
  if (query.error) {
    return (
      <>
        <CodeInput {...control} {...registration} />
        <p className="field-hint picker-error" data-testid={`${control["data-testid"]}-lookup-error`}>
          {`Couldn’t list the ${noun} (${describeError(query.error).message}). Type the name instead.`}
        </p>
      </>
    );
  }
  const listed = options ?? [];
  const missing = value !== "" && !listed.some((o) => o.value === value);
  return (
    <div className="picker">
      {/* Controlled: options come and go as the lookup loads, and the selection must not jump to the placeholder. */}
      <select {...control} {...registration} value={value}>
        <option value="">{query.isPending ? "Loading…" : placeholder}</option>
        {listed.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {missing && <option value={value}>{query.isPending ? value : `${value} (${missingLabel})`}</option>}
      </select>
      {query.isFetching && (
        <span className="picker-spinner">
          <Spinner size={12} />
        </span>
      )}
    </div>
  );
}
