import type { AppError } from "../bindings/AppError";

export type ErrorDescription = {
  /** Short headline for the error. */
  title: string;
  /** The message from Rust, always rendered as text. */
  message: string;
  /** What the user can do about it, when we know. */
  hint: string | null;
};

/** Turn an AppError into text for the UI. */
export function describeError(error: AppError): ErrorDescription {
  const { message } = error;
  switch (error.code) {
    case "keyring_unavailable":
      // Rust's message already names the cause and the fix.
      return { title: "System keyring unavailable", message, hint: null };
    case "invalid_credentials":
      return {
        title: "AWS rejected these credentials",
        message,
        hint: "Check the access key ID and secret access key, or create a new access key in IAM.",
      };
    case "expired_credentials":
      return {
        title: "Credentials have expired",
        message,
        hint: "Get a fresh session token (for SSO profiles run “aws sso login”) and try again.",
      };
    case "access_denied":
      return {
        title: "Access denied",
        message,
        hint: "The credentials work, but their IAM policy does not allow this action.",
      };
    case "network":
      // Rust's message already says what to check.
      return { title: "Can’t reach AWS", message, hint: null };
    case "validation":
      return { title: error.field === "path" ? "Choose another file" : "Check the form", message, hint: null };
    case "not_found":
      return { title: "Not found", message, hint: null };
    case "conflict":
      return { title: "Already exists", message, hint: null };
    case "aws":
      return { title: "AWS returned an error", message, hint: null };
    case "internal":
      return { title: "Something went wrong", message, hint: null };
  }
}

/**
 * A Rust issue's message under its field: led by the field's name when it is a predicate
 * ("must be …", "is required", "has 70 characters …"), as it comes when it names its own
 * subject ("spaces and '!' are not allowed: …", capitalized).
 */
export function issueText(label: string, message: string): string {
  const text = /^(must|is|has|are)\b/.test(message)
    ? `${label} ${message}`
    : message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
