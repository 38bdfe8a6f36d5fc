import { Component, type ReactNode } from "react";
import { AlertIcon } from "../Icons";

type State = { error: Error | null };

/** Keeps the rest of the page when the chart (a lazily loaded canvas library) fails. */
export class ChartBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="card">
          <div className="card-empty history-chart-failed" data-testid="history-chart-error">
            <AlertIcon size={14} /> The chart could not be drawn here: {this.state.error.message}
          </div>
        </div>
      );
    }
    return this.props.children;
  }
}
