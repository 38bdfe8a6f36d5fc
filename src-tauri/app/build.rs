/// Every command the UI may call; each gets an `allow-<command>` permission that the capability in
/// `src-tauri/app/capabilities/` grants explicitly. A command missing here cannot be invoked.
const COMMANDS: &[&str] = &[
    "app_info",
    "regions_list",
    "profiles_list",
    "profile_save",
    "profile_remove",
    "profile_test",
    "credentials_test",
    "session_get",
    "session_set",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/app/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/app/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
