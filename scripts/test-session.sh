#!/usr/bin/env bash
# The part of scripts/test.sh that needs a Secret Service, the emulator and a display.
# Run by scripts/test.sh inside `dbus-run-session`; not meant to be run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh

printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets >/dev/null

ready=$(mktemp)
trap 'kill ${emulator:-} 2>/dev/null || true; rm -f "$ready"' EXIT
start_emulator "$ready"
PIPEWRIGHT_EMULATOR_URL=$(cat "$ready")
export PIPEWRIGHT_EMULATOR_URL
echo "emulator at $PIPEWRIGHT_EMULATOR_URL"

# Unit and integration tests; the ignored ones are those that need the Secret Service started above.
step "Rust tests (unit, emulator, CLI, keyring)" cargo test --workspace --no-fail-fast -- --include-ignored

step "generated TypeScript bindings are committed" bash -c '
  drift=$(git status --porcelain -- ui/src/bindings)
  if [ -n "$drift" ]; then
    echo "ui/src/bindings differs from what the Rust types generate (cargo test regenerates it):"
    echo "$drift"
    git --no-pager diff -- ui/src/bindings | head -50
    exit 1
  fi'

step "end-to-end tests in the real window (Xvfb + WebDriver)" \
  xvfb-run -a -s "-screen 0 1280x800x24" npm --prefix tests/e2e test --silent
