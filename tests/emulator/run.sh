#!/usr/bin/env bash
# Start Pipewright's local AWS emulator (moto server + tests/emulator/pipewright_emulator).
#
#   tests/emulator/run.sh [--port N] [--seed-demo] [--ready-file F] [--step-seconds S] [--latency-ms MS] [--verbose]
#   tests/emulator/run.sh --setup-only      # build/refresh the venv and exit
#
# Prints `PIPEWRIGHT_EMULATOR_URL=http://127.0.0.1:PORT` on stdout once the server answers,
# then runs in the foreground until SIGTERM/SIGINT (exit 0). Binds 127.0.0.1 only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"

. "$HERE/../../scripts/lib.sh"

venv_ok() {
  [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1
}

ensure_venv() {
  local want have=""
  want="$(file_hash "$REQ")"
  [ -f "$STAMP" ] && have="$(cat "$STAMP")"
  if venv_ok && [ "$want" = "$have" ]; then
    return 0
  fi
  # Serialise first-time setup between concurrent run.sh invocations.
  local lockdir="$HERE/.venv.lock" waited=0
  until mkdir "$lockdir" 2>/dev/null; do
    if [ "$waited" -ge 600 ]; then
      echo "run.sh: giving up waiting for $lockdir (remove it if stale)" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  trap 'rmdir "$lockdir" 2>/dev/null || true' EXIT
  have=""
  [ -f "$STAMP" ] && have="$(cat "$STAMP")"
  if ! venv_ok || [ "$want" != "$have" ]; then
    local py
    py="$(find_python 10 "${PIPEWRIGHT_EMULATOR_PYTHON:-}" "run.sh (set PIPEWRIGHT_EMULATOR_PYTHON)")"
    if ! venv_ok; then
      echo "run.sh: creating $VENV" >&2
      "$py" -m venv --clear "$VENV" >&2
    fi
    echo "run.sh: installing requirements into $VENV" >&2
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ" >&2
    echo "$want" > "$STAMP"
  fi
  rmdir "$lockdir" 2>/dev/null || true
  trap - EXIT
}

setup_only=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --setup-only) setup_only=1 ;;
    --host|--host=*)
      echo "run.sh: the emulator always binds 127.0.0.1; --host is not configurable" >&2
      [ "$1" = "--host" ] && shift
      ;;
    *) args+=("$1") ;;
  esac
  shift
done

ensure_venv
if [ "$setup_only" = 1 ]; then
  exit 0
fi

cd "$HERE"
export PYTHONDONTWRITEBYTECODE=1
exec "$VENV/bin/python" -m pipewright_emulator --host 127.0.0.1 ${args[@]+"${args[@]}"}
