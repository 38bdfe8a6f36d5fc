# Shell helpers the project's scripts share. Sourced (`. scripts/lib.sh`), not run.

# step NAME COMMAND...: runs COMMAND between a header and a footer that says how long it took.
step() {
  local name=$1
  shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$name"
  local start=$SECONDS
  "$@"
  printf '\033[1;32m<== %s (%ss)\033[0m\n' "$name" $((SECONDS - start))
}

# find_python MINOR CHOSEN WHO: prints the first of CHOSEN (a user's override, may be empty),
# python3.11, 3.12, 3.13 and python3 that is at least Python 3.MINOR; WHO names the caller in
# the error.
find_python() {
  local minor=$1 chosen=$2 who=$3 candidate
  for candidate in "$chosen" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c "import sys; sys.exit(0 if sys.version_info >= (3, $minor) else 1)" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "$who: need Python >= 3.$minor" >&2
  return 1
}

# file_hash FILE: its SHA-256, to tell when a requirements file changed.
file_hash() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# start_emulator READY_FILE [OPTION...]: starts tests/emulator/run.sh on a free port in the
# background (its pid in $emulator; options go to it) and returns once it has written its URL to
# READY_FILE. Run from the repository's root.
start_emulator() {
  local ready=$1
  shift
  rm -f "$ready"
  bash tests/emulator/run.sh --port 0 --ready-file "$ready" "$@" >/dev/null &
  emulator=$!
  for _ in $(seq 1 600); do
    [ -s "$ready" ] && return 0
    kill -0 "$emulator" 2>/dev/null || { echo "the emulator failed to start" >&2; return 1; }
    sleep 0.2
  done
  echo "the emulator did not start in time" >&2
  return 1
}
