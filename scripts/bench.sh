#!/usr/bin/env bash
# Runs Pipewright's benchmarks against a local emulator of its own:
#
#   scripts/bench.sh                 # apply vs the AWS CLI, 3 rounds (+1 warm-up), then release
#                                    # feedback and polling cost (tests/bench/release_feedback.rs),
#                                    # then history load (tests/bench/history_load.rs, at 0 and 40 ms
#                                    # emulator latency), the local store with 10,000 builds
#                                    # (tests/bench/history_store.rs) and the history page with
#                                    # 10,000 builds in the window (tests/e2e/bench/)
#   scripts/bench.sh --rounds 5      # any other option goes to tests/bench/apply_vs_cli.py (--help)
#
# Builds nothing: it needs the CLI, the app and the benchmark programs, built as the tests build
# them (one feature set): `cargo build --workspace --bins --tests --examples`. Sets up
# tests/bench/.venv with the pinned awscli (tests/bench/requirements.txt; re-installed when that file
# changes), starts tests/emulator/run.sh on a free port, runs the benchmark, stops the emulator.
# Results: printed, and written to target/bench/apply_vs_cli.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="$ROOT/target/debug/pipewright-cli"
BENCH="$ROOT/tests/bench"
VENV="$BENCH/.venv"
REQ="$BENCH/requirements.txt"
STAMP="$VENV/.requirements.sha256"

EXAMPLES="$ROOT/target/debug/examples"
for needed in "$BIN" "$EXAMPLES/release_feedback" "$EXAMPLES/history_load" "$EXAMPLES/history_store"; do
  if [ ! -x "$needed" ]; then
    echo "bench.sh: $needed is missing. Build it first:  cargo build --workspace --bins --tests --examples" >&2
    exit 1
  fi
done

. scripts/lib.sh

want="$(file_hash "$REQ")"
have=""
[ -f "$STAMP" ] && have="$(cat "$STAMP")"
if [ ! -x "$VENV/bin/python" ] || [ ! -x "$VENV/bin/aws" ] || [ "$want" != "$have" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    echo "bench.sh: creating $VENV" >&2
    "$(find_python 11 "${PIPEWRIGHT_BENCH_PYTHON:-}" "bench.sh (set PIPEWRIGHT_BENCH_PYTHON)")" -m venv --clear "$VENV" >&2
  fi
  echo "bench.sh: installing $REQ into $VENV" >&2
  "$VENV/bin/python" -m pip install --disable-pip-version-check -q -r "$REQ" >&2
  echo "$want" > "$STAMP"
fi

# The emulator: its own venv (tests/emulator/run.sh makes it on first use), a free port.
WORK="$(mktemp -d)"
EMU_PID=""
stop_emulator() {
  if [ -n "$EMU_PID" ] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$EMU_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap stop_emulator EXIT
trap 'exit 130' INT TERM

echo "bench.sh: starting the emulator" >&2
bash "$ROOT/tests/emulator/run.sh" --port 0 --ready-file "$WORK/url" >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMU_PID=$!
# run.sh execs the server, so $EMU_PID is the server itself. First use may build its venv (minutes).
for _ in $(seq 1 3000); do
  [ -s "$WORK/url" ] && break
  if ! kill -0 "$EMU_PID" 2>/dev/null; then
    echo "bench.sh: the emulator exited before it was ready:" >&2
    cat "$WORK/emulator.err" >&2
    exit 1
  fi
  sleep 0.2
done
if [ ! -s "$WORK/url" ]; then
  echo "bench.sh: the emulator was not ready after 10 minutes" >&2
  cat "$WORK/emulator.err" >&2
  exit 1
fi
URL="$(head -n1 "$WORK/url")"
echo "bench.sh: emulator at $URL" >&2

status=0
"$VENV/bin/python" "$BENCH/apply_vs_cli.py" --endpoint-url "$URL" --binary "$BIN" "$@" || status=$?

# Release feedback and polling cost (tests/bench/release_feedback.rs), against the same emulator.
echo >&2
PIPEWRIGHT_EMULATOR_URL="$URL" "$EXAMPLES/release_feedback" || status=$?

# History: full load of 1,000 builds vs the AWS CLI and the request critical path; reopen time.
echo >&2
PIPEWRIGHT_EMULATOR_URL="$URL" AWS_CLI="$VENV/bin/aws" "$EXAMPLES/history_load" || status=$?

# The local store with 10,000 builds: what the history page reads (tests/bench/history_store.rs).
echo >&2
"$EXAMPLES/history_store" || status=$?

# The history page with 10,000 stored builds in the real window (tests/e2e/bench/history_render.mjs):
# needs the app (cargo build -p pipewright), tauri-driver (scripts/setup.sh --test) and Xvfb.
echo >&2
if [ -x "$ROOT/target/debug/pipewright" ] && [ -x "$ROOT/target/tools/bin/tauri-driver" ] && command -v xvfb-run >/dev/null; then
  mkdir -p "$WORK/xdg"
  XDG_DATA_HOME="$WORK/xdg" PIPEWRIGHT_EMULATOR_URL="$URL" dbus-run-session -- \
    xvfb-run -a -s "-screen 0 1280x800x24" node "$ROOT/tests/e2e/bench/history_render.mjs" 2>"$WORK/window.err" \
    || { status=$?; grep -v -e portal -e dbus-daemon -e Gtk-WARNING "$WORK/window.err" | tail -20 >&2; }
else
  echo "bench.sh: skipping the window benchmark (needs target/debug/pipewright, target/tools/bin/tauri-driver, xvfb-run)" >&2
fi
exit "$status"
