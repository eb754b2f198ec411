#!/usr/bin/env bash
# How often MapGuard catches the racy examples, per mode, beside TSan.
#
#   scripts/detection-rate.sh [--runs N] [--modes LIST]
#
#   --runs N       runs per cell (default 200)
#   --modes LIST   comma-separated columns to run (default
#                  default,fast,stress,tsan), e.g. --modes stress --runs 2000
#                  to show stress mode's rate to a tenth of a percent
#
# Builds examples/seed.cpp, racy_cache.cpp and racy_reader.cpp with
# build/bin/mapguard-clang++ (strict, the default; and -mapguard-mode=fast)
# and with clang++ -fsanitize=thread, runs each N times, and prints one
# table: how many runs were caught.
#   default   strict build, no options
#   fast      fast build, no options
#   stress    strict build, MAPGUARD_OPTIONS=stress=1
#   tsan      ThreadSanitizer, any "data race" warning counts
# A MapGuard run counts as caught when it aborts with "fatal error:
# concurrent map ...". Works from any directory; builds MapGuard first if
# needed (MAPGUARD_BUILD_DIR overrides build/).
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${MAPGUARD_BUILD_DIR:-"$repo/build"}
runs=200
modes=default,fast,stress,tsan
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    --modes) modes=${2:?--modes needs a list}; shift 2 ;;
    --modes=*) modes=${1#--modes=}; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "detection-rate.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case $runs in ''|*[!0-9]*|0) echo "detection-rate.sh: --runs takes a positive number, not '$runs'" >&2; exit 2 ;; esac
IFS=, read -r -a columns <<<"$modes"
[ ${#columns[@]} -gt 0 ] || { echo "detection-rate.sh: --modes is empty" >&2; exit 2; }
for m in "${columns[@]}"; do
  case $m in
    default|fast|stress|tsan) ;;
    *) echo "detection-rate.sh: unknown mode '$m' in --modes (default, fast, stress, tsan)" >&2; exit 2 ;;
  esac
done

if [ ! -x "$build/bin/mapguard-clang++" ]; then
  bash "$repo/scripts/install-deps.sh"
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" --target mapguard-wrappers >/dev/null

out="$build/detection"
mkdir -p "$out"
mg="$build/bin/mapguard-clang++"
clangxx=/usr/lib/llvm-19/bin/clang++
examples=(seed racy_cache racy_reader)

for ex in "${examples[@]}"; do
  src="$repo/examples/$ex.cpp"
  "$mg" -O1 -g -pthread "$src" -o "$out/$ex.strict"
  "$mg" -O1 -g -pthread -mllvm -mapguard-mode=fast "$src" -o "$out/$ex.fast"
  "$clangxx" -O1 -g -pthread -fsanitize=thread "$src" -o "$out/$ex.tsan"
done

# count BINARY OPTIONS PATTERN: runs (of $runs) whose stderr matches PATTERN.
count() {
  local bin=$1 opts=$2 pattern=$3 caught=0 i
  for ((i = 0; i < runs; i++)); do
    if MAPGUARD_OPTIONS=$opts TSAN_OPTIONS=halt_on_error=1 \
        "$bin" > /dev/null 2> "$out/stderr.txt" < /dev/null; then :; fi
    if grep -q -- "$pattern" "$out/stderr.txt"; then
      caught=$((caught + 1))
    fi
  done
  echo "$caught"
}

mgpat='fatal error: concurrent map'
tsanpat='WARNING: ThreadSanitizer: data race'
# cell MODE EXAMPLE: "caught/runs" for one column.
cell() {
  local n
  case $1 in
    default) n=$(count "$out/$2.strict" "" "$mgpat") ;;
    fast) n=$(count "$out/$2.fast" "" "$mgpat") ;;
    stress) n=$(count "$out/$2.strict" "stress=1" "$mgpat") ;;
    tsan) n=$(count "$out/$2.tsan" "" "$tsanpat") ;;
  esac
  echo "$n/$runs"
}
header='| example |' rule='|---|'
for m in "${columns[@]}"; do header+=" $m |"; rule+='---:|'; done
printf '%s\n%s\n' "$header" "$rule"
for ex in "${examples[@]}"; do
  line="| $ex |"
  for m in "${columns[@]}"; do line+=" $(cell "$m" "$ex") |"; done
  echo "$line"
done
echo
echo "$(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); -O1 -g builds; caught = runs with a report."
