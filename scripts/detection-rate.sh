#!/usr/bin/env bash
# How often MapGuard catches racy programs, per mode, beside TSan.
#
#   scripts/detection-rate.sh [--runs N] [--modes LIST]
#
#   --runs N       runs per cell (default 200; 100 with --matrix, 10 with
#                  --quick)
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
# concurrent map ...".
#
#   scripts/detection-rate.sh --matrix [--runs N] [--shapes LIST]
#       [--containers LIST] [--libs LIST] [--opts LIST] [--builds LIST]
#       [--loads LIST] [--options OPTS] [--min-strict K --min-fast K]
#
# The matrix over bench/detection/shapes.cpp: two threads released together,
# each running its side of a racy shape 3,000 times on one map with no lock.
# One row per shape x container (unordered, ordered) x standard library
# (libstdcxx, libcxx), one column per optimisation (O0, O2) x build (strict,
# fast) x load (idle; loaded: as many busy processes as CPUs, started by the
# script and killed when it ends). Each LIST is comma-separated and defaults
# to all. --options sets MAPGUARD_OPTIONS for every run. A shape the
# container does not have (rehash on a std::map) is "-". Prints a markdown
# table of caught/runs per cell.
#
#   scripts/detection-rate.sh --quick
#
# CI's slice of the matrix (scripts/test.sh runs it): under load only, -O2,
# libstdc++, unordered, six shapes, both builds, 10 runs per cell (about a
# minute on 2 CPUs). It fails (exit 1) when a strict cell catches fewer than
# --min-strict (default 8) of 10 runs or a fast cell fewer than --min-fast
# (default 7). Why those: a cell whose true rate is the target, 99% strict
# (97% fast), misses 3 or more of 10 runs (4 or more, fast) with probability
# 1.1e-4 (1.5e-4), so the 12 cells fail a healthy build about once in 600
# runs; a cell that has fallen to 50% passes with probability 0.05 (0.17).
#
# Works from any directory; builds MapGuard first if needed
# (MAPGUARD_BUILD_DIR overrides build/).
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${MAPGUARD_BUILD_DIR:-"$repo/build"}
runs=
modes=default,fast,stress,tsan
matrix=no
quick=no
shapes=
containers=unordered,ordered
libs=libstdcxx,libcxx
opts=O0,O2
builds=strict,fast
loads=idle,loaded
mgoptions=
min_strict=8
min_fast=7
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    --modes) modes=${2:?--modes needs a list}; shift 2 ;;
    --modes=*) modes=${1#--modes=}; shift ;;
    --matrix) matrix=yes; shift ;;
    --quick) matrix=yes; quick=yes; shift ;;
    --shapes) shapes=${2:?--shapes needs a list}; shift 2 ;;
    --containers) containers=${2:?--containers needs a list}; shift 2 ;;
    --libs) libs=${2:?--libs needs a list}; shift 2 ;;
    --opts) opts=${2:?--opts needs a list}; shift 2 ;;
    --builds) builds=${2:?--builds needs a list}; shift 2 ;;
    --loads) loads=${2:?--loads needs a list}; shift 2 ;;
    --options) mgoptions=${2?--options needs a value}; shift 2 ;;
    --min-strict) min_strict=${2:?--min-strict needs a number}; shift 2 ;;
    --min-fast) min_fast=${2:?--min-fast needs a number}; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "detection-rate.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$runs" ]; then
  if [ "$quick" = yes ]; then runs=10; elif [ "$matrix" = yes ]; then runs=100; else runs=200; fi
fi
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

mg="$build/bin/mapguard-clang++"
# The clang of the LLVM the build uses (its bin directory, never PATH).
llvm_dir=$(sed -n 's/^LLVM_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
clangxx=$(cd -- "${llvm_dir:-/usr/lib/llvm-19/lib/cmake/llvm}/../../../bin" && pwd -P)/clang++
mgpat='fatal error: concurrent map'
# A racy run that is not caught may corrupt its map and crash: no core files.
ulimit -c 0

if [ "$matrix" = yes ]; then
  out="$build/detection/matrix"
  mkdir -p "$out"
  src="$repo/bench/detection/shapes.cpp"
  if [ "$quick" = yes ]; then
    shapes=${shapes:-emplace_emplace,extract_reinsert,swap,inserter_copy,find_count_at,lookup_loop}
    containers=unordered libs=libstdcxx opts=O2 builds=strict,fast loads=loaded
  fi
  IFS=, read -r -a L_containers <<<"$containers"
  IFS=, read -r -a L_libs <<<"$libs"
  IFS=, read -r -a L_opts <<<"$opts"
  IFS=, read -r -a L_builds <<<"$builds"
  IFS=, read -r -a L_loads <<<"$loads"
  for x in "${L_libs[@]}"; do case $x in libstdcxx|libcxx) ;; *) echo "detection-rate.sh: --libs: libstdcxx or libcxx, not '$x'" >&2; exit 2 ;; esac; done
  for x in "${L_opts[@]}"; do case $x in O0|O1|O2|O3) ;; *) echo "detection-rate.sh: --opts: O0..O3, not '$x'" >&2; exit 2 ;; esac; done
  for x in "${L_builds[@]}"; do case $x in strict|fast) ;; *) echo "detection-rate.sh: --builds: strict or fast, not '$x'" >&2; exit 2 ;; esac; done
  for x in "${L_loads[@]}"; do case $x in idle|loaded) ;; *) echo "detection-rate.sh: --loads: idle or loaded, not '$x'" >&2; exit 2 ;; esac; done
  for x in "${L_containers[@]}"; do case $x in unordered|ordered) ;; *) echo "detection-rate.sh: --containers: unordered or ordered, not '$x'" >&2; exit 2 ;; esac; done

  # One binary per library x optimisation x build.
  for lib in "${L_libs[@]}"; do
    libflag=
    [ "$lib" = libcxx ] && libflag=-stdlib=libc++
    for opt in "${L_opts[@]}"; do
      for b in "${L_builds[@]}"; do
        modeflag=
        [ "$b" = fast ] && modeflag="-mllvm -mapguard-mode=fast"
        # shellcheck disable=SC2086
        "$mg" -std=c++20 -"$opt" -g -pthread $libflag $modeflag "$src" -o "$out/shapes.$lib.$opt.$b"
      done
    done
  done
  if [ -z "$shapes" ]; then
    shapes=$("$out/shapes.${L_libs[0]}.${L_opts[0]}.${L_builds[0]}" --list | paste -sd, -)
  fi
  IFS=, read -r -a L_shapes <<<"$shapes"

  # The loaded columns: one busy process per CPU, killed however the script
  # ends.
  busy=()
  stop_busy() {
    local p
    for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${busy[@]}"; do wait "$p" 2>/dev/null || true; done
    busy=()
  }
  trap 'stop_busy' EXIT
  trap 'stop_busy; exit 130' INT TERM
  start_busy() {
    local i
    for ((i = 0; i < $(nproc); i++)); do
      sh -c 'while :; do :; done' &
      busy+=($!)
    done
    sleep 1
  }

  # caught BIN SHAPE CONTAINER: runs (of $runs) that ended with a report; "-"
  # when the container has no such operation.
  caught() {
    local bin=$1 shape=$2 cont=$3 n=0 i status
    for ((i = 0; i < runs; i++)); do
      status=0
      # A run that was not caught may have corrupted its map into an
      # endless loop: 20 s is far beyond any run's length.
      { MAPGUARD_OPTIONS=$mgoptions timeout -s KILL 20 "$bin" "$shape" "$cont" > /dev/null 2> "$out/stderr.txt" < /dev/null; } 2>/dev/null || status=$?
      if [ "$status" -eq 3 ]; then echo -; return; fi
      if grep -q -- "$mgpat" "$out/stderr.txt"; then n=$((n + 1)); fi
    done
    echo "$n"
  }

  declare -A result
  failed_cells=()
  for load in "${L_loads[@]}"; do
    stop_busy
    [ "$load" = loaded ] && start_busy
    echo "== $load: $(cut -d' ' -f1-4 /proc/loadavg) (load averages, running/threads)" >&2
    for lib in "${L_libs[@]}"; do
      for cont in "${L_containers[@]}"; do
        for shape in "${L_shapes[@]}"; do
          for opt in "${L_opts[@]}"; do
            for b in "${L_builds[@]}"; do
              n=$(caught "$out/shapes.$lib.$opt.$b" "$shape" "$cont")
              result[$shape/$cont/$lib/$opt/$b/$load]=$n
              if [ "$quick" = yes ] && [ "$n" != - ]; then
                min=$min_strict
                [ "$b" = fast ] && min=$min_fast
                [ "$n" -ge "$min" ] || failed_cells+=("$shape $cont $lib -$opt $b $load: $n/$runs (needs $min)")
              fi
            done
          done
        done
      done
    done
  done
  stop_busy

  header='| shape | container | library |' rule='|---|---|---|'
  for load in "${L_loads[@]}"; do
    for opt in "${L_opts[@]}"; do
      for b in "${L_builds[@]}"; do header+=" -$opt $b $load |"; rule+='---:|'; done
    done
  done
  printf '%s\n%s\n' "$header" "$rule"
  for lib in "${L_libs[@]}"; do
    for cont in "${L_containers[@]}"; do
      for shape in "${L_shapes[@]}"; do
        line="| $shape | $cont | $lib |"
        for load in "${L_loads[@]}"; do
          for opt in "${L_opts[@]}"; do
            for b in "${L_builds[@]}"; do
              n=${result[$shape/$cont/$lib/$opt/$b/$load]}
              if [ "$n" = - ]; then line+=' - |'; else line+=" $n/$runs |"; fi
            done
          done
        done
        echo "$line"
      done
    done
  done
  echo
  echo "$(nproc) CPUs; $(date -u '+%Y-%m-%d %H:%M UTC'); caught = runs with a report, of $runs;${mgoptions:+ MAPGUARD_OPTIONS=$mgoptions;} loaded = $(nproc) busy processes."
  if [ ${#failed_cells[@]} -gt 0 ]; then
    printf 'below the threshold: %s\n' "${failed_cells[@]}" >&2
    exit 1
  fi
  exit 0
fi

out="$build/detection"
mkdir -p "$out"
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
