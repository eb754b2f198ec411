#!/usr/bin/env bash
# Installs what MapGuard needs to build and test, on Debian 12 (bookworm):
# LLVM/clang 19 with its tools and compiler-rt, libc++ (for the libc++ half
# of the tests), GoogleTest, Google Benchmark, CMake, Ninja, and Python with
# psutil (lit's per-test timeout) and jsonschema (the SARIF tests), GLib and
# pkg-config (for test/e2e/clean_sync_corpus_glib.cpp), Abseil and Boost (the abseil and
# boost container presets' tests), and gnuplot and GNU time for the
# benchmarks' chart and memory figures.
#
# Idempotent: packages already installed are left alone; apt-get runs only
# when something is missing. Uses sudo only when not root.
set -euo pipefail

packages=(
  llvm-19-dev clang-19 llvm-19-tools libclang-rt-19-dev clang-format-19
  libc++-19-dev libc++abi-19-dev
  libbenchmark-dev libgtest-dev
  cmake ninja-build python3 python3-psutil python3-jsonschema
  libglib2.0-dev pkg-config
  libabsl-dev libboost-dev
  gnuplot-nox time
  ccache
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [ "$status" != installed ]; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
