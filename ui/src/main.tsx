import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { AppProviders } from "./components/AppProviders";
import { platformOf } from "./lib/platform";
import { createQueryClient } from "./lib/queries";
import "./styles/tokens.css";
import "./styles/base.css";
import "./styles/shell.css";
import "./styles/components.css";
import "./styles/profiles.css";
import "./styles/wizard.css";
import "./styles/history.css";
import "./styles/pipelines.css";

// Picks the platform's fonts (styles/tokens.css).
document.documentElement.dataset.os = platformOf(navigator.userAgent);

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <AppProviders client={createQueryClient()}>
      <App />
    </AppProviders>
  </StrictMode>,
);
