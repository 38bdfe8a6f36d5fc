//! The local files the app reads and writes for the user: a plan (`pipewright.toml`) and a
//! generated `buildspec.yml`. Their paths come only from a native dialog that Rust opens (never
//! from the page), and must have the kind's extension, so a script in the page can neither read
//! nor overwrite any other file (say `~/.bashrc`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::plan::Plan;
use crate::{Error, Result};

/// The biggest plan file read (a plan is a few kilobytes).
const MAX_PLAN_BYTES: u64 = 1024 * 1024;

/// A plan read from a file, with where it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpenedPlan {
    pub path: String,
    pub plan: Plan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileKind {
    Plan,
    Buildspec,
}

impl FileKind {
    /// The extensions a file of this kind may have (the first is added when a name has none).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Plan => &["toml"],
            Self::Buildspec => &["yml", "yaml"],
        }
    }

    /// The dialog filter's name.
    pub fn filter_name(self) -> &'static str {
        match self {
            Self::Plan => "Pipewright plan",
            Self::Buildspec => "buildspec (YAML)",
        }
    }

    /// The file name a save dialog suggests.
    pub fn default_name(self) -> &'static str {
        match self {
            Self::Plan => "pipewright.toml",
            Self::Buildspec => "buildspec.yml",
        }
    }

    fn has_extension(self, path: &Path) -> bool {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| self.extensions().contains(&e.to_ascii_lowercase().as_str()))
    }

    fn rule(self) -> String {
        let list: Vec<String> = self.extensions().iter().map(|e| format!(".{e}")).collect();
        format!("must be a file ending in {}", list.join(" or "))
    }
}

/// A path a save dialog answered, made safe to write: the kind's extension added when the name
/// has none, refused when it has another one, and its folder must exist.
pub fn check_save(kind: FileKind, path: &Path) -> Result<PathBuf> {
    let path = if path.extension().is_none() {
        path.with_extension(kind.extensions()[0])
    } else {
        path.to_owned()
    };
    if !kind.has_extension(&path) {
        return Err(Error::validation("path", kind.rule()));
    }
    if path.is_dir() {
        return Err(Error::validation("path", "is a folder"));
    }
    match path.parent() {
        Some(dir) if dir.as_os_str().is_empty() || dir.is_dir() => Ok(path),
        _ => Err(Error::validation("path", "its folder does not exist")),
    }
}

/// A path an open dialog answered: a file with the kind's extension.
pub fn check_open(kind: FileKind, path: &Path) -> Result<PathBuf> {
    if !kind.has_extension(path) {
        return Err(Error::validation("path", kind.rule()));
    }
    if !path.is_file() {
        return Err(Error::validation("path", "is not a file"));
    }
    Ok(path.to_owned())
}

/// Writes `contents` to a path [`check_save`] accepted.
pub fn save(kind: FileKind, path: &Path, contents: &str) -> Result<PathBuf> {
    let path = check_save(kind, path)?;
    std::fs::write(&path, contents)
        .map_err(|e| Error::validation("path", format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

/// Reads the plan at a path an open dialog answered.
/// Reads a plan the user picked, with the path it came from.
pub fn opened_plan(path: &Path) -> Result<OpenedPlan> {
    Ok(OpenedPlan {
        path: path.display().to_string(),
        plan: open_plan(path)?,
    })
}

pub fn open_plan(path: &Path) -> Result<Plan> {
    let path = check_open(FileKind::Plan, path)?;
    let size = std::fs::metadata(&path)?.len();
    if size > MAX_PLAN_BYTES {
        return Err(Error::validation(
            "path",
            format!("is {size} bytes: a plan is at most 1 MB"),
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::validation("path", format!("cannot read {}: {e}", path.display())))?;
    Plan::from_toml(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_of_the_kind_are_written() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // No extension: the kind's is added.
        assert_eq!(
            check_save(FileKind::Plan, &dir.join("prod")).unwrap(),
            dir.join("prod.toml")
        );
        assert_eq!(
            check_save(FileKind::Buildspec, &dir.join("buildspec")).unwrap(),
            dir.join("buildspec.yml")
        );
        assert!(check_save(FileKind::Buildspec, &dir.join("b.YAML")).is_ok());
        // A dot file gets the extension too: `~/.bashrc` is never written.
        assert_eq!(
            check_save(FileKind::Plan, &dir.join(".bashrc")).unwrap(),
            dir.join(".bashrc.toml")
        );
        // Another extension, a folder, a missing folder: refused.
        for bad in [
            dir.join("plan.toml.sh"),
            dir.join("authorized_keys.pub"),
            dir.join("x.yml"),
        ] {
            let e = check_save(FileKind::Plan, &bad).unwrap_err();
            assert_eq!(e.field(), Some("path"), "{}", bad.display());
        }
        std::fs::create_dir(dir.join("d.toml")).unwrap();
        assert!(check_save(FileKind::Plan, &dir.join("d.toml")).is_err());
        assert!(check_save(FileKind::Plan, &dir.join("nope/p.toml")).is_err());

        let written = save(FileKind::Buildspec, &dir.join("bs"), "version: 0.2\n").unwrap();
        assert_eq!(std::fs::read_to_string(written).unwrap(), "version: 0.2\n");
    }

    #[test]
    fn only_plan_files_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let plan = Plan::reference();
        let path = save(
            FileKind::Plan,
            &dir.join("p.toml"),
            &plan.to_toml().unwrap(),
        )
        .unwrap();
        assert_eq!(open_plan(&path).unwrap(), plan);
        std::fs::write(dir.join(".bashrc"), "alias x=y").unwrap();
        assert_eq!(
            open_plan(&dir.join(".bashrc")).unwrap_err().field(),
            Some("path")
        );
        assert!(open_plan(&dir.join("missing.toml")).is_err());
        let big = dir.join("big.toml");
        std::fs::write(&big, "#".repeat(2 * 1024 * 1024)).unwrap();
        assert!(open_plan(&big)
            .unwrap_err()
            .message()
            .contains("at most 1 MB"));
    }
}
