#!/usr/bin/env bash
# bench/run.sh [--no-build] [--no-semgrep] [--no-clang] [-n N] [go|java|java-base|cpp|cpp-gtest|swift|all|go-sub|...] ...
#
# One run per corpus: builds leaklint in release, builds the corpus (../shared/bench/corpora.sh), then measures
# on the same files with /usr/bin/time -v (wall, user+sys, peak RSS):
#   cat       the floor: reading every byte of every file of the corpus (xargs -0 cat > /dev/null), best of N
#   leaklint  `leaklint scan --format json --fail-on never --include-tests` on the corpus, best of N
#   semgrep   bench/semgrep/<lang>.yaml, -j 2, ONE run, on the corpus's *-sub subset for the big corpora
#             (leaklint and cat are measured on that subset too, so the ratio compares like with like)
#   clang     C++ corpora only: `clang++ -fsyntax-only` on every file of the corpus semgrep runs on, each file its own
#             translation unit with the corpus' include dirs (JUCE: the modules folder on -I and the file's module header
#             -include'd, as JUCE's unity build sees it; GoogleTest: its include/ and root dirs), xargs -P <cores>, ONE run:
#             the floor for a real C++ parse
# and prints a markdown table per corpus, also appended to bench/results.md. See bench/README.md.
#
# Environment: WORK (default bench/work), N (default 3), SHARED (default <repo>/../shared),
#              SEMGREP (default: `semgrep` on PATH, else bench/work/venv/bin/semgrep, installed on demand).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=${SHARED:-$ROOT/../shared}
WORK=${WORK:-$ROOT/bench/work}
N=${N:-3}
BUILD=1
SEMGREP_ON=1
CLANG_ON=1
NAMES=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-build) BUILD=0 ;;
    --no-semgrep) SEMGREP_ON=0 ;;
    --no-clang) CLANG_ON=0 ;;
    -n) N=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    all) NAMES+=(go java java-base cpp cpp-gtest swift) ;;
    go|java|java-base|cpp|cpp-gtest|swift|go-sub|java-sub|cpp-sub|swift-sub) NAMES+=("$1") ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#NAMES[@]} -eq 0 ] && NAMES=(go)

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
CORP=$WORK/corpus
OUT=$WORK/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
LL=${LL:-$ROOT/.build-bench/release/leaklint}
RESULTS=$HERE/results.md
REPORT="python3 $HERE/report.py"
log() { printf '[bench] %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------- tools
if ! [ -x /usr/bin/time ]; then
  log "installing GNU time (apt)"; apt-get install -y -q time >&2 || { apt-get update -qq >&2; apt-get install -y -q time >&2; }
fi

if [ "$BUILD" = 1 ]; then
  # Other agents edit the tree while we build: swiftc refuses a file "modified during the build"; retry.
  for attempt in 1 2 3; do
    log "building leaklint (release, --scratch-path .build-bench), attempt $attempt"
    t0=$(date +%s.%N)
    if (cd "$ROOT" && swift build -c release --static-swift-stdlib --product leaklint --scratch-path .build-bench > "$OUT/build.log" 2>&1); then
      t1=$(date +%s.%N)
      BUILD_SECS="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b-a}') s"
      log "release build: ${BUILD_SECS} (incremental when .build-bench is warm)"
      break
    fi
    if grep -q 'modified during the build' "$OUT/build.log" && [ $attempt -lt 3 ]; then continue; fi
    tail -n 30 "$OUT/build.log" >&2; log "release build failed (log: $OUT/build.log)"; exit 1
  done
else
  BUILD_SECS="${BUILD_SECS:-skipped (--no-build)}"
fi
[ -x "$LL" ] || { log "no binary at $LL (run without --no-build)"; exit 1; }
LL_VERSION=$("$LL" --version 2>&1 | head -1)
case $LL in */release/*) ;; *) LL_VERSION="$LL_VERSION — NOT A RELEASE BUILD ($LL): not a valid measurement";; esac

if [ "$SEMGREP_ON" = 1 ]; then
  SEMGREP=${SEMGREP:-$(command -v semgrep || true)}
  if [ -z "$SEMGREP" ]; then
    SEMGREP=$WORK/venv/bin/semgrep
    if ! [ -x "$SEMGREP" ]; then
      log "installing semgrep into $WORK/venv (pip)"
      python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" install -q semgrep >&2
    fi
  fi
  SEMGREP_VERSION=$("$SEMGREP" --version 2>/dev/null | tail -1)
  export SEMGREP_SEND_METRICS=off SEMGREP_ENABLE_VERSION_CHECK=0
fi

# ---------------------------------------------------------------------------------------------- helpers
# corpus name -> the corpus semgrep (and, for the ratio, leaklint and cat again) runs on
peer_of() {
  case $1 in
    go) echo go-sub ;; java|java-base) echo java-sub ;; cpp) echo cpp-sub ;; swift) echo swift-sub ;;
    *) echo "$1" ;;  # cpp-gtest (85 kLOC) and the *-sub corpora themselves
  esac
}
lang_of() { case $1 in go*) echo go ;; java*) echo java ;; cpp*) echo cpp ;; swift*) echo swift ;; esac; }
parent_of() { case $1 in java-base) echo java ;; *-sub) echo "${1%-sub}" ;; *) echo "" ;; esac; }

ensure_corpus() { # NAME
  local p; p=$(parent_of "$1")
  if ! [ -e "$CORP/$1/.done" ]; then
    log "building corpus $1"
    "$SHARED/bench/corpora.sh" "$WORK" ${p:+"$p"} "$1" >&2
  fi
  [ -e "$CORP/$1/.done" ] || { log "corpus $1 was not built"; exit 1; }
}

# timed LOGFILE CMD... : runs CMD under /usr/bin/time -v, stdout to /dev/null; echoes "wall cpu rss_kb rc"
timed() {
  local tf=$1; shift
  local rc=0 t0 t1 m
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$tf" "$@" > /dev/null 2>> "$tf.stderr" || rc=$?
  t1=$(date +%s%N)
  # wall: our own nanosecond clock around the run (time -v's "Elapsed" has 10 ms resolution)
  m=$($REPORT timev "$tf")
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", (b-a)/1e9}') ${m#* } $rc"
}

# best_of N LABEL CMD... : N runs, echoes the fastest run's "wall cpu rss_kb rc"
best_of() {
  local n=$1 label=$2; shift 2
  local best="" i r
  for ((i = 1; i <= n; i++)); do
    r=$(timed "$OUT/$label.$i.time" "$@")
    log "  $label run $i: wall/cpu/rssKB/rc = $r"
    if [ -z "$best" ] || awk -v a="${r%% *}" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then best=$r; fi
  done
  echo "$best"
}

# max RSS (kB) of the sum over a process tree, sampled every 0.5 s while PID lives
tree_rss_sampler() { # PID OUTFILE
  local pid=$1 out=$2 max=0 s
  while kill -0 "$pid" 2>/dev/null; do
    s=$(ps -e -o pid=,ppid=,rss= | awk -v root="$pid" '
      { par[$1] = $2; rss[$1] = $3 }
      END { for (p in par) { q = p; while (q != "" && q != 0 && q != 1) { if (q == root) { t += rss[p]; break } q = par[q] } } print t + 0 }')
    [ "$s" -gt "$max" ] && max=$s
    sleep 0.5
  done
  echo "$max" > "$out"
}

row() { # TSV corpus tool files lines "wall cpu rss rc" count runs note
  local tsv=$1 c=$2 t=$3 f=$4 l=$5 m=$6 cnt=$7 runs=$8 note=$9
  read -r wall cpu rss rc <<< "$m"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$t" "$f" "$l" "$wall" "$cpu" "$rss" "$cnt" "$rc" "$runs" "$note" >> "$tsv"
}

# measure_fast TSV C : cat and leaklint on corpus C, best of N each
measure_fast() {
  local tsv=$1 c=$2 dir=$CORP/$2 list=$CORP/$2.files
  local nfiles nlines
  nfiles=$(tr -cd '\0' < "$list" | wc -c)
  nlines=$(cd "$dir" && xargs -0 cat < "$list" | wc -l)
  log "$c: $nfiles files, $nlines lines (newline count over $list)"

  # leaklint's discovery skips vendor/, testdata/, build/ … by design; to read exactly the corpus it is given
  # the directory when that reads every file, else the file list (explicit files are always scanned).
  local json=$OUT/leaklint-$c.json mode=dir stats
  (cd "$ROOT" && "$LL" scan --format json --fail-on never --include-tests "$dir" > "$json" 2> "$OUT/leaklint-$c.stderr") || true
  stats=$($REPORT lljson "$json")
  read -r lf ll lfind lerr <<< "$stats"
  log "$c: leaklint scan of the directory: stats.files=$lf stats.lines=$ll findings=$lfind error-notifications=$lerr"
  local -a cmd=("$LL" scan --format json --fail-on never --include-tests "$dir")
  local cwd=$ROOT note="directory"
  if [ "$lf" != "$nfiles" ]; then
    log "$c: directory scan read $lf of $nfiles files; measuring with the explicit file list instead"
    mapfile -d '' files < "$list"
    cmd=("$LL" scan --format json --fail-on never --include-tests -- "${files[@]}")
    cwd=$dir; note="file list (directory walk reads $lf/$nfiles files)"
    (cd "$cwd" && "${cmd[@]}" > "$json" 2> "$OUT/leaklint-$c.stderr") || true
    stats=$($REPORT lljson "$json")
    read -r lf ll lfind lerr <<< "$stats"
    log "$c: leaklint scan of the file list: stats.files=$lf stats.lines=$ll findings=$lfind error-notifications=$lerr"
    [ "$lf" = "$nfiles" ] || { log "$c: WARNING: leaklint read $lf of $nfiles files even with the explicit list"; note="$note; READ $lf/$nfiles"; }
  fi
  [ "$lerr" = 0 ] || note="$note; $lerr files could not be analysed (see $OUT/leaklint-$c.json)"
  [ "$ll" = "$nlines" ] || note="$note; stats.lines=$ll"

  local m
  m=$(best_of "$N" "cat-$c" sh -c 'cd "$1" && xargs -0 cat < "$2"' sh "$dir" "$list")
  row "$tsv" "$c" cat "$nfiles" "$nlines" "$m" "-" "$N" "xargs -0 cat > /dev/null"
  m=$(cd "$cwd" && best_of "$N" "leaklint-$c" "${cmd[@]}")
  row "$tsv" "$c" leaklint "$nfiles" "$nlines" "$m" "$lfind" "$N" "$note"
}

measure_semgrep() { # TSV C
  local tsv=$1 c=$2 dir=$CORP/$2 list=$CORP/$2.files lang
  lang=$(lang_of "$c")
  local nfiles nlines
  nfiles=$(tr -cd '\0' < "$list" | wc -c)
  nlines=$(cd "$dir" && xargs -0 cat < "$list" | wc -l)
  local json=$OUT/semgrep-$c.json tf=$OUT/semgrep-$c.time
  log "$c: semgrep ($SEMGREP_VERSION) with bench/semgrep/$lang.yaml, -j 2, 1 run (slow: minutes)"
  local rc=0
  (cd "$dir" && exec /usr/bin/time -v -o "$tf" "$SEMGREP" scan --metrics=off --disable-version-check --no-git-ignore \
      --config "$HERE/semgrep/$lang.yaml" -j 2 --timeout 0 --max-target-bytes=0 --json --output "$json" . \
      > /dev/null 2> "$OUT/semgrep-$c.stderr") &
  local pid=$!
  tree_rss_sampler "$pid" "$OUT/semgrep-$c.treerss" &
  local spid=$!
  wait "$pid" || rc=$?
  wait "$spid" || true
  local m res err scanned tree
  m="$($REPORT timev "$tf") $rc"
  read -r res err scanned <<< "$($REPORT sgjson "$json")"
  tree=$(cat "$OUT/semgrep-$c.treerss")
  log "$c: semgrep: $m (wall cpu rssKB rc), $res results, $err errors, $scanned paths scanned, tree RSS max ${tree} kB"
  row "$tsv" "$c" semgrep "$nfiles" "$nlines" "$m" "$res" 1 \
      "$scanned files scanned, $err errors; process-tree RSS (sampled) $((tree / 1024)) MB"
}

# clang_flags C : the include flags for one C++ corpus (relative to the corpus dir)
clang_includes() {
  case $1 in
    cpp|cpp-sub) echo "-I $CORP/cpp -DJUCE_GLOBAL_MODULE_SETTINGS_INCLUDED=1" ;;
    cpp-gtest) echo "-I googletest/include -I googlemock/include -I googletest -I googlemock" ;;
  esac
}

measure_clang() { # TSV C
  local tsv=$1 c=$2 dir=$CORP/$2 list=$CORP/$2.files
  local CLANGXX=${CLANGXX:-$(command -v clang++ || true)}
  [ -n "$CLANGXX" ] || { log "$c: no clang++ on PATH: clang row skipped"; return; }
  local nfiles nlines
  nfiles=$(tr -cd '\0' < "$list" | wc -c)
  nlines=$(cd "$dir" && xargs -0 cat < "$list" | wc -l)
  local inc; inc=$(clang_includes "$c")
  local script=$OUT/clang-$c.sh
  # One TU per file; a JUCE file also gets its module's header, as the module's unity .cpp includes it first.
  cat > "$script" <<SCRIPT
#!/usr/bin/env bash
f=\$1
extra=()
case "$c" in cpp|cpp-sub) m=\${f#./}; m=\${m%%/*}; [ -e "$CORP/cpp/\$m/\$m.h" ] && extra=(-include "\$m/\$m.h") ;; esac
"$CLANGXX" -x c++ -std=c++17 -fsyntax-only -w -ferror-limit=0 $inc "\${extra[@]}" "\$f" > /dev/null 2>> "$OUT/clang-$c.diag" || echo "\$f" >> "$OUT/clang-$c.failed"
exit 0
SCRIPT
  chmod +x "$script"
  : > "$OUT/clang-$c.failed"
  log "$c: clang++ -fsyntax-only ($("$CLANGXX" --version | head -1)), one TU per file, -P $(nproc), 1 run (slow: minutes)"
  local m
  m=$(cd "$dir" && timed "$OUT/clang-$c.time" sh -c 'xargs -0 -n 1 -P "$1" "$2" < "$3"' sh "$(nproc)" "$script" "$list")
  local failed; failed=$(wc -l < "$OUT/clang-$c.failed")
  log "$c: clang: $m (wall cpu rssKB rc); $failed of $nfiles files with errors (missing platform headers, code meant for the unity build)"
  row "$tsv" "$c" clang "$nfiles" "$nlines" "$m" "-" 1 "\`clang++ -fsyntax-only -std=c++17\` per file, -P $(nproc); $failed/$nfiles files reported errors"
}

# ---------------------------------------------------------------------------------------------- run
MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/{print $2}') GB RAM"
GIT_REV=$(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- Sources Rules Package.swift || echo "+uncommitted changes in Sources/Rules")
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — $(IFS=' '; echo "${NAMES[*]}")"
  echo
  echo "- machine: $MACHINE; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo '- `free -g`:'
  echo '  ```'; free -g | sed 's/^/  /'; echo '  ```'
  echo "- leaklint: $LL_VERSION, tree $GIT_REV, release build: ${BUILD_SECS}"
  [ "$SEMGREP_ON" = 1 ] && echo "- semgrep: $SEMGREP_VERSION (\`-j 2 --timeout 0 --max-target-bytes=0 --no-git-ignore\`, 1 run)"
  echo "- cat and leaklint: best of $N runs"
} > "$OUT/header.md"

for name in "${NAMES[@]}"; do
  peer=$(peer_of "$name")
  ensure_corpus "$name"
  [ "$SEMGREP_ON" = 1 ] && ensure_corpus "$peer"
  tsv=$OUT/$name.tsv; : > "$tsv"
  measure_fast "$tsv" "$name"
  if [ "$SEMGREP_ON" = 1 ]; then
    [ "$peer" != "$name" ] && measure_fast "$tsv" "$peer"
    measure_semgrep "$tsv" "$peer"
  fi
  if [ "$CLANG_ON" = 1 ] && [ "$(lang_of "$name")" = cpp ]; then
    [ "$SEMGREP_ON" = 1 ] || [ "$peer" = "$name" ] || { ensure_corpus "$peer"; measure_fast "$tsv" "$peer"; }
    measure_clang "$tsv" "$peer"
  fi
  {
    echo
    echo "### $name"
    echo
    echo "- corpus: $(grep "^$name " "$CORP/VERSIONS" | cut -d' ' -f2-)"
    if [ "$SEMGREP_ON" = 1 ] && [ "$peer" != "$name" ]; then
      echo "- semgrep runs on the subset $peer ($(grep "^$peer " "$CORP/VERSIONS" | cut -d' ' -f2-)); leaklint and cat are measured on it too, so the leaklint-vs-semgrep ratio compares the same files"
    fi
    echo
    $REPORT table "$tsv" "$name" "$peer"
  } > "$OUT/$name.md"
done

{ cat "$OUT/header.md"; for name in "${NAMES[@]}"; do cat "$OUT/$name.md"; done; } > "$OUT/results.md"
[ -e "$RESULTS" ] || printf '# leaklint benchmark results\n\nAppended by `bench/run.sh`; newest last. See bench/README.md for what each number means.\n' > "$RESULTS"
cat "$OUT/results.md" >> "$RESULTS"
cat "$OUT/results.md"
log "appended to $RESULTS; raw logs in $OUT"
