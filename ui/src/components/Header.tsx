import { useAppInfo } from "../lib/queries";
import { BoxIcon } from "./Icons";
import { SessionSwitchers } from "./SessionSwitchers";

export function Header({ title }: { title: string }) {
  const appInfo = useAppInfo();
  return (
    <header className="header">
      <h1 className="header-title">{title}</h1>
      <div className="header-controls">
        {appInfo.data?.sandbox && (
          <span
            className="badge badge-sandbox"
            data-testid="sandbox-badge"
            title="Pipewright is running in sandbox mode: the Sandbox profile uses a local AWS-compatible endpoint."
          >
            <BoxIcon size={13} />
            Sandbox
          </span>
        )}
        <SessionSwitchers />
      </div>
    </header>
  );
}
