// The wiring of every command kept in one place each and checked against the others: the
// commands the UI calls (the modules of ui/src/api/), the ones the app registers (lib.rs
// generate_handler!, plain or module-qualified paths such as commands::profiles::profile_save),
// the ones build.rs makes permissions for, and the capability that grants them. Plugin permissions
// are exactly what the UI uses, nothing more (e.g. not notification:default's 17 commands).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const read = (p: string) => readFileSync(path.join(root, p), "utf8");

// Every module of ui/src/api/ (its tests aside: they call nothing of their own).
const api = readdirSync(path.join(root, "ui/src/api"))
  .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
  .sort()
  .map((file) => read(`ui/src/api/${file}`))
  .join("\n");
const lib = read("src-tauri/app/lib.rs");
const build = read("src-tauri/app/build.rs");
const capability = JSON.parse(read("src-tauri/app/capabilities/main.json")) as {
  permissions: (string | { identifier: string; allow: { url: string }[] })[];
};

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

const called = sorted([...api.matchAll(/\bcall(?:<[^(]*>)?\(\s*"([a-z_]+)"/g)].map((m) => m[1]!));
const handlerBlock = /generate_handler!\[([\s\S]*?)\]/.exec(lib)?.[1] ?? "";
const registered = sorted([...handlerBlock.matchAll(/commands::(?:[a-z_]+::)*([a-z_]+)/g)].map((m) => m[1]!));
const commandsBlock = /const COMMANDS: &\[&str\] = &\[([\s\S]*?)\];/.exec(build)?.[1] ?? "";
const permitted = sorted([...commandsBlock.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!));
const identifiers = capability.permissions.map((p) => (typeof p === "string" ? p : p.identifier));
const granted = sorted(
  identifiers.filter((p) => p.startsWith("allow-")).map((p) => p.slice("allow-".length).replaceAll("-", "_")),
);
const plugins = sorted(identifiers.filter((p) => p.includes(":")));

describe("command registration", () => {
  it("finds the lists it compares", () => {
    expect(called.length).toBeGreaterThan(40);
  });

  it("registers, permits and grants exactly the commands the UI calls", () => {
    expect(registered).toEqual(called);
    expect(permitted).toEqual(called);
    expect(granted).toEqual(called);
  });

  it("grants only the plugin commands the UI uses", () => {
    expect(plugins).toEqual(
      sorted([
        "core:window:allow-set-progress-bar",
        "core:window:allow-set-title",
        // No dialog permission: Rust opens the file dialogs (plan_open, plan_save, text_save).
        // isPermissionGranted and requestPermission (notifications are shown by desktop_notify)
        "notification:allow-is-permission-granted",
        "notification:allow-request-permission",
        // listen("notification-open"): a clicked notification tells the page where to go
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        // No opener permission: URLs open through open_external, which Rust checks.
      ]),
    );
    // The UI imports nothing else from the plugins.
    const imports = [...api.matchAll(/import \{([^}]*)\} from "@tauri-apps\/plugin-([a-z]+)"/g)].map(
      (m) => `${m[2]}: ${sorted(m[1]!.split(",").map((s) => s.trim().split(" as ")[0]!).filter(Boolean)).join(", ")}`,
    );
    expect(sorted(imports)).toEqual(
      sorted(["notification: isPermissionGranted, requestPermission"]),
    );
  });
});
