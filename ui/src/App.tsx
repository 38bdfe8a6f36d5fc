import { Header } from "./components/Header";
import { Sidebar } from "./components/Sidebar";
import { BuildHistoryPage } from "./pages/BuildHistoryPage";
import { NewPipelinePage } from "./pages/NewPipelinePage";
import { PipelinesPage } from "./pages/PipelinesPage";
import { ProfilesPage } from "./pages/ProfilesPage";
import { useEffect } from "react";
import { api } from "./api";
import { pipelineHref, ROUTE_TITLES, useRoute, type Route } from "./lib/router";

function Page({ route }: { route: Route }) {
  switch (route) {
    case "profiles":
      return <ProfilesPage />;
    case "new-pipeline":
      return <NewPipelinePage />;
    case "pipelines":
      return <PipelinesPage />;
    case "history":
      return <BuildHistoryPage />;
  }
}

export function App() {
  const route = useRoute();
  // A clicked notification (Rust brought the window forward) opens the page it is about.
  useEffect(
    () =>
      api.desktop.onNotificationOpen((open) => {
        window.location.hash = pipelineHref(open.pipeline) + (open.approval ? "?approval" : "");
      }),
    [],
  );
  return (
    <div className="app">
      <Sidebar route={route} />
      <div className="main">
        <Header title={ROUTE_TITLES[route]} />
        <main className="content" key={route}>
          <Page route={route} />
        </main>
      </div>
    </div>
  );
}
