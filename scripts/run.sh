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
  ready=$(mktemp)
  rm -f "$ready"
  bash tests/emulator/run.sh --port 0 --seed-demo --ready-file "$ready" >/dev/null &
  emulator=$!
  trap 'kill $emulator 2>/dev/null || true; rm -f "$ready"' EXIT
  for _ in $(seq 1 600); do
    [ -s "$ready" ] && break
    kill -0 $emulator 2>/dev/null || { echo "the emulator failed to start" >&2; exit 1; }
    sleep 0.2
  done
  [ -s "$ready" ] || { echo "the emulator did not start in time" >&2; exit 1; }
  export PIPEWRIGHT_SANDBOX_ENDPOINT
  PIPEWRIGHT_SANDBOX_ENDPOINT=$(cat "$ready")
  # Sandbox settings live apart from your real ones.
  export PIPEWRIGHT_HOME="${PIPEWRIGHT_HOME:-${XDG_STATE_HOME:-$HOME/.local/state}/pipewright-sandbox}"
  echo "Sandbox: AWS emulator at $PIPEWRIGHT_SANDBOX_ENDPOINT"
  ./target/debug/pipewright
else
  exec ./target/debug/pipewright
fi
