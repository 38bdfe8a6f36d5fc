#!/usr/bin/env bash
# Sets up everything and runs every test:
#   static checks (rustfmt, clippy, tsc, eslint), UI unit tests (vitest), the emulator's own tests
#   (pytest), Rust unit and integration tests against the local AWS emulator, the real OS keyring
#   (gnome-keyring in a private D-Bus session), and end-to-end tests in the real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --test
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

. scripts/lib.sh

step "rustfmt" cargo fmt --all --check
step "UI typecheck and build" npm --prefix ui run build --silent
step "eslint" npm --prefix ui run lint --silent
step "UI unit tests (vitest)" npm --prefix ui test --silent
step "clippy" cargo clippy --workspace --all-targets --quiet -- -D warnings
step "dependency chain (cargo deny, npm audit)" bash scripts/deps.sh
step "emulator tests (pytest)" tests/emulator/.venv/bin/python -m pytest tests/emulator -q
# The app and the CLI (the e2e and CLI tests run them), built with the tests: one feature set for
# the whole run, so `cargo test` below compiles nothing of the dependencies again.
step "build the app, the CLI and the tests" cargo build --workspace --bins --tests --quiet

# Everything else runs in a private D-Bus session with an unlocked, throwaway gnome-keyring.
XDG_DATA_HOME=$(mktemp -d)
export XDG_DATA_HOME
trap 'rm -rf "$XDG_DATA_HOME"' EXIT
dbus-run-session -- bash scripts/test-session.sh
