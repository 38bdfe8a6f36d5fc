import type { ReactNode } from "react";
import { api, toAppError } from "../api";
import { useToast } from "../lib/toast";
import { ExternalIcon } from "./Icons";

type ExternalLinkProps = {
  /** An https URL (the AWS console, GitHub); Rust's open_external checks it. */
  url: string;
  /** What it opens; "Open in console" by default. */
  children?: ReactNode;
  /** A link in running text, a small button (in a row, a header), or the main button of a panel. */
  variant?: "link" | "button" | "primary";
  className?: string;
  testId?: string;
};

const LOOK = {
  link: { className: "link-button external-link", icon: 12 },
  button: { className: "button button-small", icon: 13 },
  primary: { className: "button button-primary", icon: 14 },
} as const;

/** Opens a URL in the user's browser, never in the app window; a failure shows as a toast. */
export function ExternalLink({ url, children = "Open in console", variant = "button", className, testId }: ExternalLinkProps) {
  const toast = useToast();
  const look = LOOK[variant];
  const icon = <ExternalIcon size={look.icon} />;
  return (
    <button
      type="button"
      className={className ? `${look.className} ${className}` : look.className}
      title={url}
      onClick={(event) => {
        // Inside a clickable row, opening the link does not also open the row.
        event.stopPropagation();
        api.openExternal(url).catch((error: unknown) => toast.error(toAppError(error)));
      }}
      data-testid={testId}
    >
      {variant === "link" ? (
        <>
          {children}
          {icon}
        </>
      ) : (
        <>
          {icon}
          {children}
        </>
      )}
    </button>
  );
}
