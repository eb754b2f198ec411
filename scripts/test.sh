#!/usr/bin/env bash
# Builds MapGuard and runs its whole lit suite: the pass's IR tests
# (test/pass), the end-to-end programs (test/e2e) and the runtime's
# GoogleTest suite (test/runtime).
#
#   scripts/test.sh                    everything, end-to-end tests in both
#                                      modes
#   scripts/test.sh --mode strict|fast|both
#                                      the mode the end-to-end programs are
#                                      built in (default both: the whole
#                                      suite in strict mode, then test/e2e
#                                      again in fast mode)
#   scripts/test.sh --filter REGEX     only tests whose name matches REGEX
#   scripts/test.sh --timeout SECONDS  per-test deadline (default 600: the
#                                      synchronisation corpora compile and run
#                                      at several settings on 2 busy CPUs)
#   scripts/test.sh --llvm N           against LLVM/clang N (16, 19 or 22;
#                                      default 19), installing it if missing,
#                                      in build-llvmN/ (19: build/)
#
# Installs missing packages first (scripts/install-deps.sh), configures
# build/ with Ninja (Release), builds, runs lit with Debian's python3 (which
# has psutil, needed for the per-test deadline) and ends with the line
# "N passed, N failed". Then the formatting check (scripts/check-format.sh),
# the detection rate under load (scripts/detection-rate.sh --quick) and the
# benchmarks' smoke test (scripts/bench.sh --quick, no timing judged) count
# as one more test each.
# Exit status is non-zero when anything failed.
# Works from any directory. MAPGUARD_BUILD_DIR=DIR builds in DIR instead of
# build/ (or build-llvmN/).
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
filter=
llvm=19
timeout=600
mode=both

while [ $# -gt 0 ]; do
  case $1 in
    --filter) filter=${2:?--filter needs a regex}; shift 2 ;;
    --filter=*) filter=${1#--filter=}; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --timeout=*) timeout=${1#--timeout=}; shift ;;
    --mode) mode=${2:?--mode needs strict, fast or both}; shift 2 ;;
    --mode=*) mode=${1#--mode=}; shift ;;
    --llvm) llvm=${2:?--llvm needs a major version}; shift 2 ;;
    --llvm=*) llvm=${1#--llvm=}; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case $mode in
  strict|fast|both) ;;
  *) echo "test.sh: --mode takes strict, fast or both, not '$mode'" >&2; exit 2 ;;
esac

case $llvm in
  19) build=${MAPGUARD_BUILD_DIR:-"$repo/build"}
      bash "$repo/scripts/install-deps.sh" ;;
  16|22) build=${MAPGUARD_BUILD_DIR:-"$repo/build-llvm$llvm"}
      bash "$repo/scripts/install-deps.sh" --llvm "$llvm" ;;
  *) echo "test.sh: --llvm takes 16, 19 or 22, not '$llvm'" >&2; exit 2 ;;
esac

cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DMAPGUARD_LLVM_VERSION="$llvm"
cmake --build "$build"

python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
# That LLVM's lit, as CMake found it.
lit=$(sed -n 's/^MAPGUARD_LIT:[A-Z]*=//p' "$build/CMakeCache.txt")
if [ ! -e "$lit" ]; then
  echo "test.sh: no lit for LLVM $llvm (MAPGUARD_LIT in $build/CMakeCache.txt)" >&2
  exit 1
fi
echo "== LLVM $llvm, build directory $build"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
passed=0
failed=0

# lit's summary lines look like "  Passed: 52 (98.11%)"; a test that
# unexpectedly passed, timed out or was unresolved counts as failed here.
count() {
  sed -n "s/^ *$1 *: *\([0-9][0-9]*\).*/\1/p" "$log" | head -n 1
}

# run_lit MODE [FILTER [LIT-ARGS...]]: one lit run, its counts added to the
# totals.
run_lit() {
  local args=(-sv --time-tests --param "timeout=$timeout" --param "mode=$1")
  [ -z "${2:-}" ] || args+=(--filter "$2")
  args+=("${@:3}")
  echo "== lit, end-to-end programs built in $1 mode${2:+, tests matching $2}"
  local status=0
  "$python" "$lit" "${args[@]}" "$build/test" 2>&1 | tee "$log" || status=$?
  local p f=0 kind
  p=$(( $(count Passed || true) + 0 ))
  p=$(( p + $(count 'Expectedly Failed' || true) + 0 ))
  for kind in Failed 'Timed Out' Unresolved 'Unexpectedly Passed'; do
    f=$(( f + $(count "$kind" || true) + 0 ))
  done
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # lit itself failed (no tests found, bad configuration, ...)
  fi
  passed=$(( passed + p ))
  failed=$(( failed + f ))
}

case $mode in
  strict|fast) run_lit "$mode" "$filter" ;;
  both)
    run_lit strict "$filter"
    # The pass and runtime tests do not depend on the wrappers' mode.
    # A --filter may match no end-to-end test: that is no failure here.
    run_lit fast "e2e/.*${filter:+(}${filter}${filter:+)}" --allow-empty-runs ;;
esac
elapsed=$(( $(date +%s) - start ))
echo "lit took ${elapsed}s"

# Formatting counts as one test: an unformatted file under pass/, runtime/,
# include/ or test/runtime/ fails the run (scripts/check-format.sh --fix).
if bash "$repo/scripts/check-format.sh"; then
  passed=$(( passed + 1 ))
else
  echo "FAIL: scripts/check-format.sh"
  failed=$(( failed + 1 ))
fi

# The detection rate under load: CI's slice of the detection matrix
# (scripts/detection-rate.sh --quick: six racy shapes, both modes, 10 runs
# each while busy processes keep every CPU loaded, about a minute) counts as
# one test; it fails when a cell falls below its threshold. Skipped when
# --filter picks a subset.
if [ -z "$filter" ]; then
  if MAPGUARD_BUILD_DIR="$build" bash "$repo/scripts/detection-rate.sh" --quick; then
    passed=$(( passed + 1 ))
  else
    echo "FAIL: scripts/detection-rate.sh --quick"
    failed=$(( failed + 1 ))
  fi
fi

# The benchmarks' smoke test: every flavour builds and runs (no timing is
# judged here; scripts/bench.sh without --quick measures). It counts as one
# test. Skipped when --filter picks a subset.
if [ -z "$filter" ]; then
  if bash "$repo/scripts/bench.sh" --quick; then
    passed=$(( passed + 1 ))
  else
    echo "FAIL: scripts/bench.sh --quick"
    failed=$(( failed + 1 ))
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
