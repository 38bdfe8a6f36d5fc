/**
 * The one place the UI talks to the Rust core.
 *
 * Every command goes through `call`, which turns whatever `invoke` rejects
 * with into an `AppError` (`{ code, message, field }`). Types come only from
 * the ts-rs generated files in `../bindings`.
 */
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AppError } from "../bindings/AppError";
import type { ErrorCode } from "../bindings/ErrorCode";

/** Runtime mirror of the generated `ErrorCode` union; `satisfies` makes the compiler flag drift. */
const ERROR_CODES = {
  validation: true,
  not_found: true,
  conflict: true,
  keyring_unavailable: true,
  invalid_credentials: true,
  expired_credentials: true,
  access_denied: true,
  network: true,
  aws: true,
  internal: true,
} as const satisfies Record<ErrorCode, true>;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}

/** True for a well-formed `AppError` as sent by a Rust command. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    isErrorCode(v.code) &&
    typeof v.message === "string" &&
    (v.field === null || v.field === undefined || typeof v.field === "string")
  );
}

/** Normalize anything a command can reject with into an `AppError`. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) {
    return { code: error.code, message: error.message, field: error.field ?? null };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "internal", message, field: null };
}

/** Invoke a Rust command; it rejects with an `AppError`, whatever went wrong. */
export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // Rejections are always plain AppError objects, matching what Rust sends.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw toAppError(error);
  }
}
