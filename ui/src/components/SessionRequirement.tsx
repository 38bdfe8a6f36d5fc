import { routeHref } from "../lib/router";
import type { SessionState } from "../lib/session";

/** One sentence on what the user must do first, or null when the session is ready. */
export function SessionRequirement({ state }: { state: SessionState }) {
  switch (state.status) {
    case "loading":
      return null;
    case "no-profiles":
      return (
        <p className="requirement">
          First, <a href={routeHref("profiles")}>add a profile</a> (or run Pipewright in sandbox mode).
        </p>
      );
    case "no-profile":
      return <p className="requirement">First, choose a profile in the header.</p>;
    case "no-region":
      return <p className="requirement">First, choose a region in the header.</p>;
    case "ready":
      return (
        <p className="requirement requirement-ready">
          Using profile <strong>{state.profileName}</strong> in <span className="mono">{state.region}</span>.
        </p>
      );
  }
}
