import { mockIPC } from "@tauri-apps/api/mocks";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement } from "react";
import type { AppError } from "../bindings/AppError";
import type { AppInfo } from "../bindings/AppInfo";
import type { ProfileSummary } from "../bindings/ProfileSummary";
import type { RegionInfo } from "../bindings/RegionInfo";
import type { Session } from "../bindings/Session";
import { AppProviders } from "../components/AppProviders";
import { createQueryClient } from "../lib/queries";

export type Call = { cmd: string; args: Record<string, unknown> };
type Handler = (args: Record<string, unknown>) => unknown;

export const REGIONS: RegionInfo[] = [
  { code: "us-east-1", name: "US East (N. Virginia)" },
  { code: "eu-west-1", name: "Europe (Ireland)" },
  { code: "eu-central-1", name: "Europe (Frankfurt)" },
];

export function profile(overrides: Partial<ProfileSummary> & { name: string }): ProfileSummary {
  return {
    source: "pipewright",
    region: "eu-west-1",
    endpointUrl: null,
    isDefault: false,
    accessKeyHint: "AKIA…XYZ1",
    hasSessionToken: false,
    lastAccountId: null,
    detail: null,
    editable: true,
    ...overrides,
  };
}

export function appError(code: AppError["code"], message: string, field: string | null = null): AppError {
  return { code, message, field };
}

type BackendOptions = {
  profiles?: ProfileSummary[];
  session?: Session;
  appInfo?: Partial<AppInfo>;
  handlers?: Record<string, Handler>;
};

/**
 * Fake Rust side through `mockIPC`. Every invoke is recorded; a handler that
 * throws makes `invoke` reject with what it threw (like a Rust `Err(AppError)`).
 */
export function mockBackend(options: BackendOptions = {}) {
  const calls: Call[] = [];
  let session: Session = options.session ?? { profile: null, region: null };
  const defaults: Record<string, Handler> = {
    app_info: () => ({ version: "0.1.0", sandbox: false, configDir: "/home/me/.config/pipewright", ...options.appInfo }),
    regions_list: () => REGIONS,
    profiles_list: () => options.profiles ?? [],
    // Rust's rules are Rust's tests; a test that wants an issue gives its own handler.
    profile_validate: () => [],
    session_get: () => session,
    session_set: (args) => {
      session = args.session as Session;
      return session;
    },
  };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const handler = options.handlers?.[cmd] ?? defaults[cmd];
    if (!handler) throw appError("internal", `unexpected command ${cmd}`);
    return handler(args);
  });
  return {
    calls,
    callsTo: (cmd: string) => calls.filter((c) => c.cmd === cmd),
  };
}

export function renderWithProviders(ui: ReactElement): RenderResult {
  return render(<AppProviders client={createQueryClient()}>{ui}</AppProviders>);
}
