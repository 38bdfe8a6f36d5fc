//! Where Pipewright keeps its (non-secret) files. The app and the CLI share these.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Overrides both directories (tests, portable installs): config in `$PIPEWRIGHT_HOME`, data in
/// `$PIPEWRIGHT_HOME/data`.
pub const HOME_ENV: &str = "PIPEWRIGHT_HOME";

#[derive(Debug, Clone)]
pub struct AppDirs {
    pub config: PathBuf,
    pub data: PathBuf,
}

impl AppDirs {
    pub fn from_env() -> Result<Self> {
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::at(PathBuf::from(home)));
        }
        let dirs =
            directories::ProjectDirs::from("dev", "Pipewright", "Pipewright").ok_or_else(|| {
                Error::internal("cannot find a home directory for Pipewright's settings")
            })?;
        Ok(Self {
            config: dirs.config_dir().to_path_buf(),
            data: dirs.data_dir().to_path_buf(),
        })
    }

    pub fn at(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Self {
            data: root.join("data"),
            config: root,
        }
    }
}

/// Writes a small file atomically (temp file + rename) with owner-only permissions.
pub fn write_private(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::internal("settings path has no parent"))?;
    std::fs::create_dir_all(dir)?;
    // Unique per process and per write, so two writers never share a temp file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id(),
        WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Ok(())
}
