/** The release dialog's form → a ReleaseRequest (the checks are Rust's: `release_validate`). */
import type { PipelineVariable } from "../../bindings/PipelineVariable";

export type VariableRow = PipelineVariable & { id: string };

/** Field path (`revision`, `variables.<row>.name`) → message. */
export type Errors = Record<string, string>;

/**
 * What the dialog sends: the trimmed commit (null for the branch head) and the variable rows that
 * have a name or a value. The rules are Rust's (`release_validate`).
 */
export type DraftRelease = {
  revision: string | null;
  variables: PipelineVariable[];
  /** Maps a field Rust names (`variables.<sent index>.name`) to the dialog's field. */
  fieldOf: (field: string) => string | null;
};

export function draftRelease(revision: string, rows: VariableRow[]): DraftRelease {
  const commit = revision.trim();
  // Rows left entirely empty are ignored; the index Rust reports is the one in the sent list.
  const sent: { row: number; variable: PipelineVariable }[] = [];
  rows.forEach((r, row) => {
    const name = r.name.trim();
    if (name === "" && r.value === "") return;
    sent.push({ row, variable: { name, value: r.value } });
  });
  const fieldOf = (field: string): string | null => {
    if (field === "revision") return field;
    const match = /^variables\.(\d+)\.(name|value)$/.exec(field);
    if (!match) return null;
    const entry = sent[Number(match[1])];
    return entry ? `variables.${entry.row}.${match[2]}` : null;
  };
  return { revision: commit === "" ? null : commit, variables: sent.map((s) => s.variable), fieldOf };
}

/** How the dialog names a field, to lead Rust's rule ("Commit id must be …"). */
export function fieldLabel(field: string): string {
  if (field === "revision") return "Commit id";
  if (field.endsWith(".name")) return "Name";
  if (field.endsWith(".value")) return "Value";
  return "Variables";
}

/** A fresh idempotency token (a UUID). */
export function newRequestToken(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
