#!/usr/bin/env bash
# The dependency chain, checked (the test command runs this; run it alone with
# `bash scripts/deps.sh`):
#   - cargo deny (deny.toml): licenses, banned crates (one TLS stack), sources, duplicate majors
#     (reported); RustSec advisories when their database can be fetched (it lives on GitHub);
#   - npm audit of the UI's production dependencies, high severity and up.
# An audit service that cannot be reached is reported and skipped; a finding fails.
set -euo pipefail
cd "$(dirname "$0")/.."

DENY=${CARGO_DENY:-target/tools/bin/cargo-deny}
if [ ! -x "$DENY" ]; then
  echo "cargo-deny is not installed: bash scripts/setup.sh --test installs it" >&2
  exit 1
fi

echo "cargo deny: licenses, bans, sources"
"$DENY" --log-level error check --hide-inclusion-graph licenses bans sources

echo "cargo deny: advisories"
if out=$("$DENY" --log-level error check --hide-inclusion-graph advisories 2>&1); then
  echo "no advisories"
elif grep -qiE "failed to (fetch|open|load)|unable to (fetch|clone)|couldn't fetch|network|could not resolve|timed out|connection" <<<"$out"; then
  echo "warning: the RustSec advisory database could not be fetched; advisories not checked" >&2
  grep -m1 -iE "error|failed" <<<"$out" >&2 || true
else
  echo "$out" >&2
  exit 1
fi

echo "npm audit: ui, production dependencies, high and up"
json=$(cd ui && npm audit --omit=dev --audit-level=high --json 2>/dev/null || true)
python3 - "$json" <<'PY'
import json, sys
try:
    report = json.loads(sys.argv[1] or "{}")
except ValueError:
    report = {}
counts = report.get("metadata", {}).get("vulnerabilities")
if counts is None:
    reason = report.get("message") or report.get("error", {}).get("summary") or "no answer"
    print(f"warning: the npm audit service could not be reached ({reason}); not checked", file=sys.stderr)
    sys.exit(0)
serious = counts.get("high", 0) + counts.get("critical", 0)
if serious:
    for name, v in report.get("vulnerabilities", {}).items():
        if v.get("severity") in ("high", "critical"):
            print(f"{name}: {v.get('severity')}", file=sys.stderr)
    sys.exit(1)
print(f"npm audit: nothing high or critical ({counts})")
PY
