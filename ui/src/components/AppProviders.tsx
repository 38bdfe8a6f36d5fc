import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ToastProvider } from "./Toasts";
import { WizardProvider } from "./wizard/WizardProvider";

export function AppProviders({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <WizardProvider>{children}</WizardProvider>
      </ToastProvider>
    </QueryClientProvider>
  );
}
