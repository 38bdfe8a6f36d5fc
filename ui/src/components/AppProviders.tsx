import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ReleaseWatchProvider } from "./pipelines/ReleaseWatch";
import { ToastProvider } from "./Toasts";
import { WizardProvider } from "./wizard/WizardProvider";

export function AppProviders({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <ReleaseWatchProvider>
          <WizardProvider>{children}</WizardProvider>
        </ReleaseWatchProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
