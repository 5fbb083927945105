#!/usr/bin/env bash
# bench/precommit.sh [RUNS] — what a pre-commit hook costs: leaklint's startup (`leaklint --version`) and a scan
# of 5 .go files of the largest package (>= 200 files) of the Go corpus, median of RUNS (default 30) runs each,
# measured with hyperfine (-N, no shell; 3 warm-up runs) or, without hyperfine, a date +%s%N loop.
# Uses the release binary bench/run.sh builds (.build-bench/release/leaklint); appends to bench/results.md.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
WORK=${WORK:-$ROOT/bench/work}
RUNS=${1:-30}
LL=$ROOT/.build-bench/release/leaklint
log() { printf '[precommit] %s\n' "$*" >&2; }

[ -x "$LL" ] || { log "building leaklint (release)"; (cd "$ROOT" && swift build -c release --static-swift-stdlib --product leaklint --scratch-path .build-bench >&2); }
mkdir -p "$WORK"; WORK=$(cd "$WORK" && pwd)
[ -e "$WORK/corpus/go/.done" ] || "$SHARED/bench/corpora.sh" "$WORK" go >&2
GO=$WORK/corpus/go
OUT=$WORK/out/precommit-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$OUT"

# The package directory with the most .go files (at least 200).
read -r count pkg <<< "$(cd "$GO" && find . -name '*.go' | sed 's|/[^/]*$||; s|^\./||' | sort | uniq -c | sort -k1,1nr -k2 | head -1)"
[ "$count" -ge 200 ] || { log "no Go package with >= 200 files"; exit 1; }
# 5 non-test files spread evenly over the package's sorted file list (deterministic).
mapfile -t all < <(cd "$GO" && find "$pkg" -maxdepth 1 -name '*.go' ! -name '*_test.go' | LC_ALL=C sort)
files=()
for i in 0 1 2 3 4; do files+=("${all[$(( i * ${#all[@]} / 5 ))]}"); done
lines=$(cd "$GO" && cat "${files[@]}" | wc -l)
log "package $pkg: $count .go files; scanning ${files[*]} ($lines lines)"

# Check once that the scan reads exactly those 5 files.
(cd "$GO" && "$LL" scan --format json --fail-on never "${files[@]}" > "$OUT/five.json") || true
read -r sf sl sfind serr <<< "$(python3 "$HERE/report.py" lljson "$OUT/five.json")"
log "5-file scan: stats.files=$sf stats.lines=$sl findings=$sfind error-notifications=$serr"

median_ms() { # NAME CMD... -> "median min max runs" in ms
  local name=$1; shift
  if command -v hyperfine > /dev/null; then
    (cd "$GO" && hyperfine -N --style none --warmup 3 --runs "$RUNS" -i --export-json "$OUT/$name.json" "$*" > /dev/null 2>&1)
    python3 "$HERE/report.py" median "$OUT/$name.json"
  else
    local i t0 t1
    for ((i = 0; i < RUNS + 3; i++)); do
      t0=$(date +%s%N); (cd "$GO" && "$@" > /dev/null 2>&1) || true; t1=$(date +%s%N)
      [ $i -ge 3 ] && echo $(( (t1 - t0) / 1000 ))
    done | sort -n | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f %.1f %.1f %d\n", m/1000, a[1]/1000, a[NR]/1000, NR}'
  fi
}

read -r vmed vmin vmax vn <<< "$(median_ms version "$LL" --version)"
read -r smed smin smax sn <<< "$(median_ms five "$LL" scan --format text --fail-on never "${files[@]}")"
tool=$(command -v hyperfine > /dev/null && hyperfine --version || echo "date +%s%N loop")
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — pre-commit ($tool, $RUNS runs + 3 warm-up)"
  echo
  echo "- machine: $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GB RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg); leaklint $("$LL" --version 2>&1 | head -1)"
  echo "- 5 files of $pkg ($count .go files in the package): ${files[*]} — $lines lines; scan read $sf files, $sfind findings"
  echo
  echo "| what | median ms | min ms | max ms | runs |"
  echo "|---|---:|---:|---:|---:|"
  echo "| \`leaklint --version\` (startup) | $vmed | $vmin | $vmax | $vn |"
  echo "| \`leaklint scan\` of the 5 files (text) | $smed | $smin | $smax | $sn |"
} | tee -a "$HERE/results.md"
