#!/usr/bin/env bash
# The main job on a real target: builds leaklint (release), fetches the Go 1.19 standard library
# source from Debian (golang-1.19-src, unpacked, not installed), scans it, and writes
# leaklint-stdlib.sarif next to this repository's root. Usage: scripts/scan-go-stdlib.sh [WORKDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/bench/work}
bash "$root/scripts/setup.sh"
cd "$root"
swift build -c release --static-swift-stdlib --product leaklint
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/leaklint
src=$work/golang-1.19-src/usr/share/go-1.19/src
if [ ! -d "$src" ]; then
  mkdir -p "$work" && cd "$work"
  apt-get download golang-1.19-src >/dev/null 2>&1 || { sudo apt-get update -qq; apt-get download golang-1.19-src; }
  dpkg-deb -x golang-1.19-src_*.deb golang-1.19-src
  cd "$root"
fi
echo "scanning $src" >&2
"$bin" scan "$src" --fail-on never || true
"$bin" scan "$src" --format sarif --output "$root/leaklint-stdlib.sarif" --fail-on never
echo "SARIF written to $root/leaklint-stdlib.sarif" >&2
