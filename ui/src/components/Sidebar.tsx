import type { ReactNode } from "react";
import { useAppInfo } from "../lib/queries";
import { ROUTE_TITLES, routeHref, type Route } from "../lib/router";
import { ClockIcon, KeyIcon, PlusSquareIcon, WorkflowIcon } from "./Icons";
import { LogoMark } from "./LogoMark";

const NAV: { route: Route; testId: string; icon: ReactNode }[] = [
  { route: "profiles", testId: "nav-profiles", icon: <KeyIcon size={17} /> },
  { route: "new-pipeline", testId: "nav-new-pipeline", icon: <PlusSquareIcon size={17} /> },
  { route: "pipelines", testId: "nav-pipelines", icon: <WorkflowIcon size={17} /> },
  { route: "history", testId: "nav-history", icon: <ClockIcon size={17} /> },
];

export function Sidebar({ route }: { route: Route }) {
  const appInfo = useAppInfo();
  return (
    <aside className="sidebar">
      <div className="brand">
        <LogoMark size={28} />
        <span className="brand-name">Pipewright</span>
      </div>
      <nav className="nav" aria-label="Main">
        <ul>
          {NAV.map((item) => (
            <li key={item.route}>
              <a
                href={routeHref(item.route)}
                className={item.route === route ? "nav-item active" : "nav-item"}
                aria-current={item.route === route ? "page" : undefined}
                data-testid={item.testId}
              >
                {item.icon}
                <span>{ROUTE_TITLES[item.route]}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="sidebar-footer">
        {appInfo.data ? (
          <span title={`Settings in ${appInfo.data.configDir}`}>Pipewright {appInfo.data.version}</span>
        ) : (
          <span>Pipewright</span>
        )}
      </div>
    </aside>
  );
}
