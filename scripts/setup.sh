#!/usr/bin/env bash
# Installs everything Pipewright needs on Debian/Ubuntu, idempotently:
#   system packages (webkit2gtk, GTK, Secret Service, Xvfb, WebKitWebDriver), the UI's npm packages,
#   the local AWS emulator's Python venv, and (with --test) the e2e test tools.
# Usage: bash scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WITH_TEST=0
for arg in "$@"; do
  case "$arg" in
    --test) WITH_TEST=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# --- System packages -------------------------------------------------------------------------
PACKAGES=(
  build-essential pkg-config curl file git
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libxdo-dev
  libdbus-1-dev
  gnome-keyring dbus-x11 libsecret-tools
  python3 python3-venv python3-pip
)
if [ "$WITH_TEST" = 1 ]; then
  PACKAGES+=(xvfb webkit2gtk-driver imagemagick xauth xdotool)
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Toolchains ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    say "Installing Rust (rustup, stable)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "Pipewright's UI needs Node.js 20 or newer (https://nodejs.org or your distribution's nodejs 20+)." >&2
  exit 1
fi

# --- npm packages (re-installed only when a lock file changes) --------------------------------
npm_ci() {
  local dir=$1 stamp
  stamp="$dir/node_modules/.pipewright-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "Installing npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_ci ui
if [ "$WITH_TEST" = 1 ]; then
  npm_ci tests/e2e
fi

# --- The local AWS emulator's venv ------------------------------------------------------------
bash tests/emulator/run.sh --setup-only

# --- e2e tools: tauri-driver, built into the project's target dir ----------------------------
if [ "$WITH_TEST" = 1 ] && [ ! -x "$ROOT/target/tools/bin/tauri-driver" ]; then
  say "Building tauri-driver into target/tools"
  cargo install tauri-driver --locked --version 2.1.0 --root "$ROOT/target/tools" --quiet
fi
# --- dependency checks: cargo-deny, built into the project's target dir -----------------------
if [ "$WITH_TEST" = 1 ] && [ ! -x "$ROOT/target/tools/bin/cargo-deny" ]; then
  say "Building cargo-deny into target/tools"
  cargo install cargo-deny --locked --version 0.20.2 --root "$ROOT/target/tools" --quiet
fi
say "Setup complete"
