import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { api } from "../../api";
import type { ConnectionInfo } from "../../bindings/ConnectionInfo";
import type { Session } from "../../bindings/Session";
import { useConnections, wizardKeys } from "../../lib/wizard/queries";
import type { SourceValues, sourceSchema } from "../../lib/wizard/schemas";
import { useWizardStore, type ConnectionMode } from "../../lib/wizard/store";
import type { z } from "../../lib/zod";
import { ErrorNotice } from "../ErrorNotice";
import { PlusIcon } from "../Icons";
import { Spinner } from "../Spinner";
import { ConnectionCard } from "./ConnectionCard";
import { submitWizardForm } from "./submitWizardForm";
import { ChoiceCards, Field, PathMessage } from "./fields";
import { ConnectionBadge } from "./StatusBadge";
import { CodeInput } from "../Field";

type SourceForm = UseFormReturn<SourceValues, unknown, z.output<typeof sourceSchema>>;

/** How the pipeline reaches GitHub: an existing connection, a new one now, or a new one during Create. */
export function ConnectionSection({ form, session }: { form: SourceForm; session: Session }) {
  const store = useWizardStore();
  const client = useQueryClient();
  const {
    register,
    setValue,
    control,
    formState: { errors },
  } = form;
  const [mode, arn] = useWatch({ control, name: ["connectionMode", "connectionArn"] });
  const connections = useConnections(session);

  function setMode(next: ConnectionMode) {
    setValue("connectionMode", next, { shouldDirty: true });
    store.setConnectionMode(next);
  }

  const create = useMutation({
    mutationFn: (name: string) => api.connectionCreate(session, name),
    onSuccess: (info) => {
      client.setQueryData<ConnectionInfo[]>(wizardKeys.connections(session), (list) => [
        ...(list ?? []).filter((c) => c.arn !== info.arn),
        info,
      ]);
      client.setQueryData(wizardKeys.connection(session, info.arn), info);
      // It exists now: the plan refers to it by ARN.
      setValue("connectionArn", info.arn, { shouldDirty: true });
      setMode("existing");
    },
  });

  function onCreate() {
    const name = form.getValues("connectionName").trim();
    if (name === "") {
      form.setError("connectionName", { type: "manual", message: "Enter a name for the connection." });
      return;
    }
    form.clearErrors("connectionName");
    create.mutate(name);
  }

  const known = connections.data?.find((c) => c.arn === arn);

  return (
    <div className="wizard-group">
      <ChoiceCards
        legend="GitHub connection"
        layout="column"
        registration={register("connectionMode", {
          onChange: (event: { target: { value: ConnectionMode } }) => store.setConnectionMode(event.target.value),
        })}
        choices={[
          {
            value: "existing",
            title: "Use an existing connection",
            description: "A CodeStar connection to GitHub in this account and region.",
            testId: "connection-mode-existing",
          },
          {
            value: "create",
            title: "Create a new connection now",
            description: "Pipewright creates it; you finish the GitHub handshake in the AWS console.",
            testId: "connection-mode-create",
          },
          {
            value: "deferred",
            title: "Create it during Create",
            description: "Pipewright creates it with everything else; Create waits there until you finish the handshake.",
            testId: "connection-mode-deferred",
          },
        ]}
      />

      {mode === "existing" && (
        <ConnectionList
          connections={connections.data}
          loading={connections.isPending}
          selected={arn}
          onSelect={(next) => setValue("connectionArn", next, { shouldDirty: true, shouldValidate: form.formState.isSubmitted })}
          onCreate={() => setMode("create")}
        />
      )}
      {mode === "existing" && <PathMessage path="source.connection.arn" error={errors.connectionArn?.message} />}
      {mode === "existing" && connections.error && <ErrorNotice error={connections.error} testId="connections-error" />}
      {mode === "existing" && arn !== "" && (
        <ConnectionCard
          key={arn}
          session={session}
          arn={arn}
          known={known}
          onAvailable={submitWizardForm}
          onCreateNew={() => setMode("create")}
        />
      )}

      {mode !== "existing" && (
        <div className="connection-create">
          <Field
            path="source.connection.name"
            label="Connection name"
            error={errors.connectionName?.message}
            hint="Up to 32 characters. Shown in the AWS console under Developer Tools → Connections."
            testId="connection-name"
          >
            {(c) => <CodeInput plain {...c} {...register("connectionName")} />}
          </Field>
          {mode === "create" && (
            <button
              type="button"
              className="button button-primary"
              onClick={onCreate}
              disabled={create.isPending}
              data-testid="connection-create"
            >
              {create.isPending ? <Spinner size={14} /> : <PlusIcon size={14} />}
              {create.isPending ? "Creating…" : "Create connection"}
            </button>
          )}
        </div>
      )}
      {mode === "create" && create.error && <ErrorNotice error={create.error} testId="connection-create-error" />}
      {mode === "deferred" && (
        <p className="field-hint">
          Create pipeline will stop at the connection and show a link to the AWS console; it continues once the
          connection is AVAILABLE.
        </p>
      )}
    </div>
  );
}

type ConnectionListProps = {
  connections: ConnectionInfo[] | undefined;
  loading: boolean;
  selected: string;
  onSelect: (arn: string) => void;
  onCreate: () => void;
};

function ConnectionList({ connections, loading, selected, onSelect, onCreate }: ConnectionListProps) {
  if (loading) return <Spinner label="Loading connections…" />;
  if (!connections) return null;
  if (connections.length === 0) {
    return (
      <p className="card-empty-inline" data-testid="connections-empty">
        No GitHub connections in this account and region yet.{" "}
        <button type="button" className="link-button" onClick={onCreate}>
          Create one
        </button>
      </p>
    );
  }
  return (
    <div className="choice-cards choice-cards-column connection-list" role="radiogroup" aria-label="Connections">
      {connections.map((c) => (
        <label key={c.arn} className="choice-card">
          <input
            type="radio"
            name="connection-arn"
            value={c.arn}
            checked={selected === c.arn}
            onChange={() => onSelect(c.arn)}
            data-testid={`connection-option-${c.name}`}
          />
          <span className="choice-text">
            <span className="choice-title">
              {c.name} <ConnectionBadge status={c.status} />
            </span>
            <span className="choice-description mono">{c.arn}</span>
          </span>
        </label>
      ))}
    </div>
  );
}
