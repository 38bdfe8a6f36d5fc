/** The release dialog's form → a ReleaseRequest, with the few checks that need no AWS. */
import type { PipelineVariable } from "../../bindings/PipelineVariable";

export type VariableRow = PipelineVariable & { id: string };

/** Field path (`revision`, `variables.<row>.name`) → message. */
export type Errors = Record<string, string>;

/** The same rule Rust applies (release_start answers field `revision` otherwise). */
const COMMIT_ID = /^[0-9a-fA-F]{7,40}$/;

export function isCommitId(text: string): boolean {
  return COMMIT_ID.test(text);
}

export const REVISION_MESSAGE = "Enter a git commit id: 7–40 hex characters (0–9, a–f).";

export type CheckedRelease = {
  errors: Errors;
  /** Null when a field needs fixing first. */
  request: { revision: string | null; variables: PipelineVariable[] } | null;
  /** Maps a field Rust names (`variables.<sent index>.name`) to the dialog's field. */
  fieldOf: (field: string) => string | null;
};

export function validateRelease(revision: string, rows: VariableRow[]): CheckedRelease {
  const errors: Errors = {};
  const commit = revision.trim();
  if (commit !== "" && !COMMIT_ID.test(commit)) errors.revision = REVISION_MESSAGE;

  // Rows left entirely empty are ignored; the index Rust reports is the one in the sent list.
  const sent: { row: number; variable: PipelineVariable }[] = [];
  rows.forEach((r, row) => {
    const name = r.name.trim();
    if (name === "" && r.value === "") return;
    if (name === "") errors[`variables.${row}.name`] = "Enter the variable's name.";
    sent.push({ row, variable: { name, value: r.value } });
  });

  const fieldOf = (field: string): string | null => {
    if (field === "revision") return field;
    const match = /^variables\.(\d+)\.(name|value)$/.exec(field);
    if (!match) return null;
    const entry = sent[Number(match[1])];
    return entry ? `variables.${entry.row}.${match[2]}` : null;
  };

  const ok = Object.keys(errors).length === 0;
  return {
    errors,
    request: ok ? { revision: commit === "" ? null : commit, variables: sent.map((s) => s.variable) } : null,
    fieldOf,
  };
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
