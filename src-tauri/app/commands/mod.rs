//! Tauri commands, one module per feature: each parses its arguments, calls one operation of
//! [`pipewright_core::Pipewright`] and maps the error to `{code, message, field}`. No logic here.
//!
//! A new command is registered in four places that a test (`ui/src/registration.test.ts`) keeps in
//! agreement: its module here, `generate_handler!` in `lib.rs`, `COMMANDS` in `build.rs` (which
//! makes its `allow-…` permission) and `capabilities/main.json` (which grants it); the UI calls it
//! from `ui/src/api/`.

pub mod desktop;
pub mod history;
pub mod pipelines;
pub mod plans;
pub mod profiles;

use pipewright_core::AppError;

pub type CmdResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The front ends are adapters: what the core service owns (the profile store, the history
    /// store, receipts, journals, the directories) they never make or write themselves.
    #[test]
    fn the_app_and_the_cli_leave_the_core_s_state_to_the_core() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src-tauri/app"), &mut files);
        rust_files(&root.join("src-tauri/cli/src"), &mut files);
        assert!(files.len() > 10, "found {files:?}");
        let forbidden = [
            "ProfileStore::new",
            "HistoryStore::open",
            "AppDirs::from_env",
            "receipts::save",
            "service_change::update",
            "history.sqlite",
            "OsKeyring",
        ];
        let mut found = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            // This test names them.
            let text = text.split("#[cfg(test)]").next().unwrap_or_default();
            for f in forbidden {
                if text.contains(f) {
                    found.push(format!("{}: {f}", file.display()));
                }
            }
        }
        assert!(found.is_empty(), "{found:#?}");
    }
}
