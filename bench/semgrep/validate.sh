#!/usr/bin/env bash
# bench/semgrep/validate.sh [SEMGREP] — checks that every pack here parses and runs cleanly.
#
# `semgrep --validate --config X` downloads its lint pack (p/semgrep-rule-lints) from semgrep.dev and fails
# offline, so this calls the engine's own rule checker (`semgrep-core -check_rules`, which is what --validate
# runs) with an empty lint pack, then runs each pack on fixtures/<lang>/ and requires zero errors.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SEMGREP=${1:-${SEMGREP:-$(command -v semgrep || echo "$ROOT/bench/work/venv/bin/semgrep")}}
CORE=$(dirname "$(readlink -f "$SEMGREP")")/../lib/python3*/site-packages/semgrep/bin/semgrep-core
# shellcheck disable=SC2086
CORE=$(ls $CORE 2>/dev/null | head -1 || true)
[ -x "$CORE" ] || CORE=$(command -v semgrep-core || true)
export SEMGREP_SEND_METRICS=off SEMGREP_ENABLE_VERSION_CHECK=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo 'rules: []' > "$tmp/empty.yaml"
status=0
for lang in go java cpp swift; do
  pack=$HERE/$lang.yaml
  if [ -n "$CORE" ]; then
    "$CORE" -json -check_rules "$tmp/empty.yaml" "$pack" 2>/dev/null | tail -1 > "$tmp/check.json"
    n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["errors"]))' "$tmp/check.json")
  else
    n="?"
  fi
  "$SEMGREP" scan --metrics=off --disable-version-check --no-git-ignore --config "$pack" -j 1 --json -q \
    --output "$tmp/run.json" "$ROOT/fixtures/$lang" > /dev/null 2>&1 || true
  read -r res err <<< "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["results"]), len(d["errors"]))' "$tmp/run.json")"
  rules=$(grep -c '^- id:' "$pack")
  echo "$lang.yaml: $rules rules; check_rules errors: $n; on fixtures/$lang: $res results, $err errors"
  [ "$n" = 0 ] && [ "$err" = 0 ] || status=1
done
exit $status
