#!/usr/bin/env bash
# Installs what leaklint needs to build and test on a Debian machine with the Swift toolchain:
# libclang's C API (C++ front end), Go (compile checks of Go fixes), Caffeine's jar (compile
# checks of Java fixes), PyYAML (scripts/embed_rules.py compiles Rules/ into Swift), python3
# jsonschema (the SARIF validity test). Idempotent; root runs
# apt directly, others need sudo.
set -euo pipefail
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v go >/dev/null 2>&1 || need+=(golang-go)
dpkg -s libcaffeine-java >/dev/null 2>&1 || need+=(libcaffeine-java)
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install -q jsonschema
echo "setup: ok ($(swift --version 2>&1 | head -1); libclang $(ls -d /usr/lib/llvm-*/include/clang-c 2>/dev/null | head -1))" >&2
