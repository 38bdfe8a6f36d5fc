//! How WebKitGTK should draw on this machine, decided before the window exists.
//!
//! Without a GPU (a VM, a remote desktop, a CI runner under Xvfb) WebKitGTK still composites
//! with OpenGL, on Mesa's llvmpipe software rasterizer: its threads took ~40% of both cores while
//! the history page opened, and the page's first screen came ~100 ms later than with
//! WebKit's own non-composited drawing. So when the machine has no GPU render node, Pipewright
//! turns compositing off, unless the user set `WEBKIT_DISABLE_COMPOSITING_MODE` themselves.

use std::ffi::OsStr;
use std::path::Path;

/// The variable WebKitGTK reads; any value the user gives it is left alone.
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// What to do about compositing, from what the environment says and whether a GPU render node
/// (`/dev/dri/renderD*`) exists.
#[derive(Debug, PartialEq, Eq)]
pub enum Compositing {
    /// The user decided (`WEBKIT_DISABLE_COMPOSITING_MODE` is set): leave it.
    UserChoice,
    /// A GPU is there: WebKit's default (GPU compositing).
    Gpu,
    /// No GPU, or software GL forced: draw without compositing.
    Off,
}

pub fn decide(
    user_setting: Option<&OsStr>,
    libgl_always_software: Option<&OsStr>,
    has_render_node: bool,
) -> Compositing {
    if user_setting.is_some() {
        return Compositing::UserChoice;
    }
    let forced_software = libgl_always_software
        .map(|v| !v.is_empty() && v != "0" && v != "false")
        .unwrap_or(false);
    if has_render_node && !forced_software {
        Compositing::Gpu
    } else {
        Compositing::Off
    }
}

/// True when `dir` (normally `/dev/dri`) holds a render node (`renderD128`, ...).
pub fn has_render_node(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Applies the decision to this process's environment (WebKit's web process inherits it). Call it
/// first thing in `main`, before any thread starts.
#[cfg(target_os = "linux")]
pub fn apply() -> Compositing {
    let decision = decide(
        std::env::var_os(DISABLE_COMPOSITING).as_deref(),
        std::env::var_os("LIBGL_ALWAYS_SOFTWARE").as_deref(),
        has_render_node(Path::new("/dev/dri")),
    );
    if decision == Compositing::Off {
        std::env::set_var(DISABLE_COMPOSITING, "1");
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_compositing_off_only_without_a_gpu_and_never_over_the_user() {
        let s = |v: &'static str| Some(OsStr::new(v));
        assert_eq!(decide(None, None, true), Compositing::Gpu);
        assert_eq!(decide(None, None, false), Compositing::Off);
        assert_eq!(decide(None, s("1"), true), Compositing::Off);
        assert_eq!(decide(None, s("true"), true), Compositing::Off);
        assert_eq!(decide(None, s("0"), true), Compositing::Gpu);
        assert_eq!(decide(None, s(""), true), Compositing::Gpu);
        assert_eq!(decide(s("0"), None, false), Compositing::UserChoice);
        assert_eq!(decide(s("1"), None, true), Compositing::UserChoice);
    }

    #[test]
    fn finds_render_nodes() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dir.path()));
        assert!(!has_render_node(&dir.path().join("missing")));
        std::fs::write(dir.path().join("card0"), "").unwrap();
        assert!(!has_render_node(dir.path()));
        std::fs::write(dir.path().join("renderD128"), "").unwrap();
        assert!(has_render_node(dir.path()));
    }
}
