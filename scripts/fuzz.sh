#!/usr/bin/env bash
# Fuzz every front end (Go, Java, Swift, C++) with libFuzzer for SECONDS (default 60).
# Crashes land in Fuzz/crashes/; replay one with `.build-fuzz/release/leaklint-fuzz FILE` after a plain build.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
swift build -c release --product leaklint-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
mkdir -p Fuzz/crashes .build-fuzz/corpus
# Seeds: the small hand-written inputs plus every fixture (real-looking code of each rule).
cp Fuzz/corpus/* .build-fuzz/corpus/
find fixtures -type f \( -name '*.go' -o -name '*.java' -o -name '*.swift' -o -name '*.cpp' \) -exec cp {} .build-fuzz/corpus/ \;
.build-fuzz/release/leaklint-fuzz -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
  -artifact_prefix=Fuzz/crashes/ .build-fuzz/corpus
