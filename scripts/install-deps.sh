#!/usr/bin/env bash
# Installs what MapGuard needs to build and test, on Debian 12 (bookworm):
# LLVM/clang 19 with its tools and compiler-rt, libc++ (for the libc++ half
# of the tests), GoogleTest, Google Benchmark, CMake, Ninja, and Python with
# psutil (lit's per-test timeout) and jsonschema (the SARIF tests), GLib and
# pkg-config (for test/e2e/clean_sync_corpus_glib.cpp), Abseil and Boost (the abseil and
# boost container presets' tests), and gnuplot and GNU time for the
# benchmarks' chart and memory figures.
#
#   scripts/install-deps.sh --llvm N   also LLVM/clang N (16 or 22: the other
#                                      versions MapGuard builds with), for
#                                      scripts/test.sh --llvm N
#
# Idempotent: packages already installed are left alone; apt-get runs only
# when something is missing. Uses sudo only when not root.
set -euo pipefail

extra_llvm=()
while [ $# -gt 0 ]; do
  case $1 in
    --llvm) extra_llvm+=("${2:?--llvm needs a major version}"); shift 2 ;;
    --llvm=*) extra_llvm+=("${1#--llvm=}"); shift ;;
    *) echo "install-deps: unknown argument '$1' (--llvm N is the only one)" >&2; exit 2 ;;
  esac
done

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
# Another LLVM: its compiler, tools and compiler-rt. Not its libc++: Debian
# installs one libc++-N-dev at a time (19's), so the libc++ tests are skipped
# under another version.
for v in "${extra_llvm[@]}"; do
  case $v in
    16|19|22) ;;
    *) echo "install-deps: --llvm takes 16, 19 or 22, not '$v'" >&2; exit 2 ;;
  esac
  packages+=(llvm-$v-dev clang-$v llvm-$v-tools libclang-rt-$v-dev)
done

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
