#!/usr/bin/env bash
# Sets up everything and runs Pipewright.
#   bash scripts/run.sh          sandbox mode: a local AWS emulator with demo data, no AWS account needed
#   bash scripts/run.sh --real   your own AWS profiles (Pipewright's, the AWS CLI's, or the environment's)
set -euo pipefail
cd "$(dirname "$0")/.."

SANDBOX=1
for arg in "$@"; do
  case "$arg" in
    --real) SANDBOX=0 ;;
    --sandbox) SANDBOX=1 ;;
    *) echo "run.sh: unknown option $arg (use --real or --sandbox)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
npm --prefix ui run build --silent
cargo build -p pipewright

if [ "$SANDBOX" = 1 ]; then
  . scripts/lib.sh
  ready=$(mktemp)
  trap 'kill ${emulator:-} 2>/dev/null || true; rm -f "$ready"' EXIT
  start_emulator "$ready" --seed-demo
  export PIPEWRIGHT_SANDBOX_ENDPOINT
  PIPEWRIGHT_SANDBOX_ENDPOINT=$(cat "$ready")
  # Sandbox settings live apart from your real ones.
  export PIPEWRIGHT_HOME="${PIPEWRIGHT_HOME:-${XDG_STATE_HOME:-$HOME/.local/state}/pipewright-sandbox}"
  echo "Sandbox: AWS emulator at $PIPEWRIGHT_SANDBOX_ENDPOINT"
  ./target/debug/pipewright
else
  exec ./target/debug/pipewright
fi
