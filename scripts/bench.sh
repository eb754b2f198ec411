#!/usr/bin/env bash
# What MapGuard costs: the overhead benchmarks of bench/.
#
#   scripts/bench.sh            full run (6-8 minutes on 2 cores)
#   scripts/bench.sh --quick    smoke test (under a minute once built):
#                               builds and runs everything once, judges no
#                               timing
#   scripts/bench.sh --record   full run, then writes bench/RESULTS.md and
#                               bench/ratios.png from it
#   --rounds N --repetitions N --min-time SECONDS   override the run's size
#   --mapguard-options OPTS   run the strict and fast flavours with
#                               MAPGUARD_OPTIONS=OPTS (e.g.
#                               profile_path=/tmp/p: the cost with
#                               profiling); results under .../options/
#
# Builds the tools (build/, CMake target mapguard-wrappers), then
# bench/map_overhead.cpp in four flavours under build/bench/bin: baseline
# (clang++ 19 -O2), strict (mapguard-clang++ -O2), fast (mapguard-clang++
# -O2 -mllvm -mapguard-mode=fast) and tsan (clang++ 19 -O2
# -fsanitize=thread), all -g. Runs them in rounds, the flavour order rotated
# every round, and prints ns/op (CPU time) per case and flavour with the
# median ratio to the baseline of the same round. Also measures the compile
# time of 2,000 map write sites with and without the plugin (and, in full
# runs, the instructions clang executes on 300 of them, under valgrind: the
# figure the compile-time target is judged on), the instructions the churn
# cases' loops execute (full runs, valgrind: what their targets are judged
# on), and the runtime's fixed memory.
#
# Writes under build/bench/ (build/bench/quick/ for --quick): raw/*.json
# (Google Benchmark output of every run), results.json, summary.md,
# ratios.tsv and ratios.png (log scale).
#
# Exit status is non-zero when a flavour fails to build or to run (a false
# "concurrent map writes" report aborts the run, so it fails too); timing
# targets never change it: they are reported as ✓/✗ in summary.md.
# Installs gnuplot-nox, time, libbenchmark-dev and (full runs) valgrind when
# missing. Works from any directory.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${MAPGUARD_BUILD_DIR:-"$repo/build"}
out="$build/bench"
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)

quick=no
record=no
mapguard_options=
rounds=8
repetitions=2
min_time=0.2
compile_sites=2000
compile_runs=3
rss_runs=5
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=yes; shift ;;
    --record) record=yes; shift ;;
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --repetitions) repetitions=${2:?--repetitions needs a number}; shift 2 ;;
    --min-time) min_time=${2:?--min-time needs seconds}; shift 2 ;;
    --mapguard-options) mapguard_options=${2?--mapguard-options needs OPTS}; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ "$quick" = yes ]; then
  [ "$record" = no ] || { echo "bench.sh: --record needs a full run" >&2; exit 2; }
  rounds=1 repetitions=1 min_time=0.01 compile_sites=200 compile_runs=1 rss_runs=1
fi
if [ -n "$mapguard_options" ] && [ "$record" = yes ]; then
  echo "bench.sh: --record writes the default options' figures; drop --mapguard-options" >&2
  exit 2
fi

started=$(date +%s)
say() { echo "bench.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

#===----------------------------------------------------------------------===#
# Packages and tools
#===----------------------------------------------------------------------===#

# need PATH-OR-COMMAND PACKAGE: installs PACKAGE unless the first exists.
need() {
  if [ -e "$1" ] || command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  say "installing $2"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -q "$2" >/dev/null 2>&1 ||
    { "${sudo[@]}" apt-get update -q >/dev/null 2>&1 &&
      "${sudo[@]}" apt-get install -y -q "$2" >/dev/null; } ||
    die "could not install $2"
}
need /usr/include/benchmark/benchmark.h libbenchmark-dev
need gnuplot gnuplot-nox
need /usr/bin/time time
need ninja ninja-build
[ "$quick" = yes ] || need valgrind valgrind # the instruction counts

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null ||
    die "cmake could not configure $build"
fi
mkdir -p "$out/bin" "$out/logs"
# Only what the benchmarks need (the plugin, the runtime, the wrappers): a
# test that does not build must not stop a benchmark run.
cmake --build "$build" --target mapguard-wrappers >"$out/logs/tools.log" 2>&1 ||
  { tail -n 30 "$out/logs/tools.log" >&2; die "building the tools failed (log: $out/logs/tools.log)"; }

# What was measured: the commit, and whether the tools' sources differed.
source_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "no git")
if [ -n "$(git -C "$repo" status --porcelain -- pass runtime tools include 2>/dev/null)" ]; then
  source_rev="$source_rev + uncommitted changes in pass/ runtime/ tools/ include/"
fi

# The LLVM that CMake found; its bin directory, never PATH (clang 14 there).
llvm_dir=$(sed -n 's/^LLVM_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
llvm_bin=$(cd -- "${llvm_dir:-/usr/lib/llvm-19/lib/cmake/llvm}/../../../bin" && pwd -P)
clangxx="$llvm_bin/clang++"
mgxx="$build/bin/mapguard-clang++"
runtime_lib="$build/lib/libmapguard_rt.a"
# The plugin, named for its LLVM's major version (MapGuard-19.so).
plugin=$(ls "$build"/lib/MapGuard-*.so 2>/dev/null | head -n 1)
[ -n "$plugin" ] || die "no plugin $build/lib/MapGuard-<major>.so"
for f in "$clangxx" "$mgxx" "$runtime_lib" "$llvm_bin/llvm-objdump" "$llvm_bin/llvm-size"; do
  [ -e "$f" ] || die "$f is missing"
done

#===----------------------------------------------------------------------===#
# The flavours
#===----------------------------------------------------------------------===#

flavours=(baseline strict fast tsan)
declare -A cxx=(
  [baseline]="$clangxx" [strict]="$mgxx" [fast]="$mgxx" [tsan]="$clangxx")
declare -A flags=(
  [baseline]="" [strict]="" [fast]="-mllvm -mapguard-mode=fast"
  [tsan]="-fsanitize=thread")

# Ninja does the up-to-date checks (sources, headers, plugin, runtime,
# command lines) and builds two at a time.
{
  echo "# Generated by scripts/bench.sh; rewritten on every run."
  echo "cxxflags = -std=c++17 -O2 -g -I$repo/include"
  echo "rule cxx"
  echo "  command = \$cxx \$cxxflags \$flags -MMD -MF \$out.d \$in -o \$out \$libs"
  echo "  depfile = \$out.d"
  echo "  deps = gcc"
  echo "  description = \$out"
  tools="$plugin $runtime_lib $mgxx"
  for f in "${flavours[@]}"; do
    echo "build bin/map_overhead.$f: cxx $repo/bench/map_overhead.cpp | $tools"
    echo "  cxx = ${cxx[$f]}"
    echo "  flags = ${flags[$f]}"
    echo "  libs = -lbenchmark -lpthread"
  done
  for f in baseline strict fast; do
    echo "build bin/tiny_program.$f: cxx $repo/bench/tiny_program.cpp | $tools"
    echo "  cxx = ${cxx[$f]}"
    echo "  flags = ${flags[$f]}"
    echo "  libs = -pthread"
  done
} >"$out/build.ninja"
ninja -C "$out" -j "$(nproc)" >"$out/logs/build.log" 2>&1 ||
  { tail -n 40 "$out/logs/build.log" >&2; die "building the benchmarks failed (log: $out/logs/build.log)"; }

# A guarded flavour without hooks would measure nothing. The timed loops of
# bench/map_overhead.cpp are functions of their own (TIMED_LOOP); in strict
# and fast builds every one must reach MapGuard (a call to a hook or to a
# guarded stub, or an inline access to its tables), and no function may in
# the others. The floor loops (MAPGUARD_NO_INSTRUMENT) must run the same code
# in every flavour, so they must not reach it in any.
guarded_loops=(hotWritePass hotWriteEachPass churnUnorderedMapPass churnMapPass insertStringsPass
  findPass findEachPass lockedHotWritePass)
unguarded_loops=(lockedFloorPass)
functions_using_mapguard() {
  "$llvm_bin/llvm-objdump" -d --no-show-raw-insn -C "$1" |
    awk '/^[0-9a-f]+ <.*>:$/ { fn = $0 }
         /<__mapguard_[^ >+]*[>+]|(\[clone \.mapguard\]|\(\.mapguard\))>/ && fn !~ /<_*mapguard|<__mapguard/ { print fn }' |
    sort -u
}
for f in "${flavours[@]}"; do
  users=$(functions_using_mapguard "$out/bin/map_overhead.$f")
  case $f in
    baseline|tsan)
      [ -z "$users" ] || die "the $f build uses MapGuard in: $users" ;;
    *)
      for loop in "${guarded_loops[@]}"; do
        grep -q "::$loop(" <<<"$users" ||
          die "$loop has no MapGuard hooks in the $f build: that case would measure nothing"
      done
      for loop in "${unguarded_loops[@]}"; do
        ! grep -q "::$loop<" <<<"$users" ||
          die "$loop uses MapGuard in the $f build: it must be the same code in every flavour"
      done ;;
  esac
done

#===----------------------------------------------------------------------===#
# The run: rounds of all four flavours, order rotated
#===----------------------------------------------------------------------===#

# Results of a quick run go to their own directory, so that a smoke test
# never replaces the last full run's.
res=$out
[ "$quick" = no ] || res="$out/quick"
[ -z "$mapguard_options" ] || res="$res/options"
rm -rf "$res/raw"
mkdir -p "$res/raw" "$res/logs"
say "$rounds round(s) x ${#flavours[@]} flavours, $repetitions repetition(s), min_time ${min_time}s"
for ((r = 1; r <= rounds; r++)); do
  for ((i = 0; i < ${#flavours[@]}; i++)); do
    f=${flavours[$(((i + r - 1) % ${#flavours[@]}))]}
    log="$res/logs/$f.round$r.log"
    # Default MapGuard and TSan options (or --mapguard-options): any report
    # fails the run.
    opts=()
    [ -z "$mapguard_options" ] || opts=("MAPGUARD_OPTIONS=$mapguard_options")
    if ! env -u MAPGUARD_OPTIONS -u TSAN_OPTIONS "${opts[@]}" "$out/bin/map_overhead.$f" \
        --benchmark_repetitions="$repetitions" \
        --benchmark_min_time="$min_time" \
        --benchmark_out="$res/raw/$f.round$r.json" \
        --benchmark_out_format=json >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      die "the $f benchmarks failed in round $r (log: $log)"
    fi
  done
  say "round $r done ($(($(date +%s) - started))s)"
done

#===----------------------------------------------------------------------===#
# Instructions: the churn cases
#===----------------------------------------------------------------------===#

# The churn cases' targets (a few percent) are finer than CPU time resolves
# on a shared machine, where the same code moves by several percent with its
# layout; the instructions their timed loops execute do not move. One
# iteration of each under callgrind, counting only the loop's own function
# (which the untimed first pass calls too), so every flavour runs it twice.
ir="$res/instructions.txt"
: >"$ir"
if [ "$quick" = no ]; then
  opts=()
  [ -z "$mapguard_options" ] || opts=("MAPGUARD_OPTIONS=$mapguard_options")
  for spec in ChurnUnorderedMap:churnUnorderedMapPass ChurnMap:churnMapPass; do
    case=${spec%%:*} fn=${spec#*:}
    for f in baseline strict fast; do
      log="$res/logs/$case.$f.callgrind"
      env -u MAPGUARD_OPTIONS "${opts[@]}" valgrind --tool=callgrind \
        --toggle-collect="*$fn*" --callgrind-out-file=/dev/null \
        "$out/bin/map_overhead.$f" --benchmark_filter="^$case\$" \
        --benchmark_min_time=0.01 --benchmark_format=csv \
        >"$log.csv" 2>"$log.log" ||
        { tail -n 20 "$log.log" >&2; die "valgrind map_overhead.$f ($case) failed"; }
      iterations=$(grep "^\"$case\"," "$log.csv" | cut -d, -f2)
      [ "$iterations" = 1 ] ||
        die "$case ran ${iterations:-no} iteration(s) under valgrind, not 1 (log: $log.csv)"
      count=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log.log")
      [ -n "$count" ] || die "no instruction count in $log.log"
      echo "$case $f $count" >>"$ir"
    done
  done
  say "instructions counted ($(($(date +%s) - started))s)"
fi

#===----------------------------------------------------------------------===#
# Compile time: one translation unit with many map write sites
#===----------------------------------------------------------------------===#

ct="$res/compile"
mkdir -p "$ct"
"$python" "$repo/bench/gen_write_sites.py" "$compile_sites" "$ct/write_sites.cpp"
: >"$ct/times.txt"
# compile_once NAME COMPILER: user+sys CPU seconds, appended as "NAME secs".
compile_once() {
  /usr/bin/time -f '%U %S' -o "$ct/$1.time" \
    "$2" -std=c++17 -O2 -g -c "$ct/write_sites.cpp" -o "$ct/$1.o" \
    >"$ct/$1.log" 2>&1 || { cat "$ct/$1.log" >&2; die "compiling $ct/write_sites.cpp with $2 failed"; }
  awk -v n="$1" '{ print n, $1 + $2 }' "$ct/$1.time" >>"$ct/times.txt"
}
for ((i = 1; i <= compile_runs; i++)); do
  if ((i % 2)); then
    compile_once baseline "$clangxx"; compile_once mapguard "$mgxx"
  else
    compile_once mapguard "$mgxx"; compile_once baseline "$clangxx"
  fi
done
# Every site must have been guarded (strict mode calls one guarded stub per
# operation, so the hooks' relocations no longer count sites): the pass's
# remarks, from a compile that is not timed.
hooked=$("$mgxx" -std=c++17 -O2 -g -Rpass=mapguard -c "$ct/write_sites.cpp" \
  -o /dev/null 2>&1 | grep -c 'remark: guarded write' || true)
[ "$hooked" -ge "$compile_sites" ] ||
  die "only $hooked of $compile_sites write sites in $ct/write_sites.cpp were instrumented"
echo "sites $compile_sites" >>"$ct/times.txt"
echo "hooked $hooked" >>"$ct/times.txt"
# CPU time on a shared machine moves by tens of percent from run to run; the
# instructions the compiler executes do not. Full runs also count them, on a
# smaller file (valgrind is slow), for the compiler proper (clang -cc1).
# count_instructions NAME COMPILER: appends "ir_NAME <count>".
count_instructions() {
  local cc1
  cc1=$("$2" -std=c++17 -O2 -g -c "$ct/ir_sites.cpp" -o "$ct/ir_$1.o" -### 2>&1 |
    grep -- '"-cc1"' | head -n 1)
  [ -n "$cc1" ] || die "no -cc1 command line from $2 -###"
  eval "valgrind --tool=callgrind --callgrind-out-file=$ct/ir_$1.callgrind $cc1" \
    >"$ct/ir_$1.log" 2>&1 || { tail -n 20 "$ct/ir_$1.log" >&2; die "valgrind $2 failed"; }
  sed -n "s/.*Collected : \([0-9]*\).*/ir_$1 \1/p" "$ct/ir_$1.log" >>"$ct/times.txt"
}
if [ "$quick" = no ]; then
  ir_sites=300
  "$python" "$repo/bench/gen_write_sites.py" "$ir_sites" "$ct/ir_sites.cpp"
  count_instructions baseline "$clangxx"
  count_instructions mapguard "$mgxx"
  echo "ir_sites $ir_sites" >>"$ct/times.txt"
fi
say "compile time measured ($(($(date +%s) - started))s)"

#===----------------------------------------------------------------------===#
# Memory: the runtime's static data, and a tiny program's max RSS
#===----------------------------------------------------------------------===#

mem="$res/memory.txt"
# Berkeley format: text data bss dec hex filename; the last line is the sum.
"$llvm_bin/llvm-size" -t "$runtime_lib" | tail -n 1 |
  awk '{ print "rt_text", $1; print "rt_data", $2; print "rt_bss", $3 }' >"$mem"
# Its largest variables: "sym SIZE-IN-HEX NAME".
"$llvm_bin/llvm-nm" --size-sort -S -C "$runtime_lib" 2>/dev/null |
  awk 'NF >= 4 && $3 ~ /^[bBdD]$/ { size = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); print "sym", size, $0 }' |
  sort -k2,2 | tail -n 6 >>"$mem"
for f in baseline strict fast; do
  "$llvm_bin/llvm-size" "$out/bin/tiny_program.$f" | tail -n 1 |
    awk -v f="$f" '{ print "static", f, $2 + $3 }' >>"$mem"
done
for ((i = 1; i <= rss_runs; i++)); do
  for f in baseline strict fast; do
    env -u MAPGUARD_OPTIONS /usr/bin/time -f '%M' -o "$res/rss.tmp" \
      "$out/bin/tiny_program.$f" >"$res/logs/tiny_program.$f.log" 2>&1 ||
      { cat "$res/logs/tiny_program.$f.log" >&2; die "tiny_program.$f failed"; }
    echo "rss $f $(tail -n 1 "$res/rss.tmp")" >>"$mem"
  done
done
rm -f "$res/rss.tmp"

#===----------------------------------------------------------------------===#
# Table, verdicts, chart
#===----------------------------------------------------------------------===#

summarize_args=(--raw "$res/raw" --out "$res" --compile "$ct/times.txt"
  --instructions "$ir" --memory "$mem" --rounds "$rounds" --repetitions "$repetitions"
  --min-time "$min_time" --source "$source_rev")
[ "$quick" = no ] || summarize_args+=(--quick)
"$python" "$repo/bench/summarize.py" "${summarize_args[@]}" ||
  die "could not summarise the results in $res/raw"
[ -z "$mapguard_options" ] ||
  printf '\nThe strict and fast flavours ran with MAPGUARD_OPTIONS=%s.\n' \
    "$mapguard_options" >>"$res/summary.md"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
subtitle="median of $rounds round(s) x $repetitions repetition(s); $(nproc) x $cpu; $(date +%Y-%m-%d)"
gnuplot -e "data='$res/ratios.tsv'; out='$res/ratios.png'; subtitle='$subtitle'" \
  "$repo/bench/ratios.gp" >"$res/logs/gnuplot.log" 2>&1 ||
  { cat "$res/logs/gnuplot.log" >&2; die "gnuplot could not draw $res/ratios.png"; }
[ -s "$res/ratios.png" ] || die "gnuplot wrote no $res/ratios.png"

if [ "$record" = yes ]; then
  # Sections written by hand (detection rates, elided sites) follow this
  # marker in RESULTS.md and are kept across --record.
  marker='<!-- hand-written sections below: kept by scripts/bench.sh --record -->'
  kept=$(awk -v m="$marker" 'f || $0 == m { f = 1; print }' \
    "$repo/bench/RESULTS.md" 2>/dev/null || true)
  {
    echo "# MapGuard overhead: latest results"
    echo
    echo "Written by \`scripts/bench.sh --record\` (the full run, 6-8 minutes on"
    echo "2 cores); rerun it rather than editing this file. The run's raw"
    echo "Google Benchmark JSON and every number below are in"
    echo "build/bench/results.json and build/bench/raw/ (not committed)."
    echo
    echo "Method: bench/map_overhead.cpp built four ways (baseline: clang++ 19"
    echo "-O2 -g; strict: mapguard-clang++ -O2 -g; fast: the same with -mllvm"
    echo "-mapguard-mode=fast; tsan: clang++ 19 -O2 -g -fsanitize=thread), run in"
    echo "rounds with the flavour order rotated each round. Times are CPU time,"
    echo "not wall time: the machine is shared with builds and test runs, whose"
    echo "load shows in the spread of the rounds and in the load average below."
    echo
    echo "Reading the numbers: on this shared virtual machine the guarded loops'"
    echo "speed drifts by up to 2x with the host's load (a busy neighbour slows"
    echo "their extra calls and stores more than the baseline's latency-bound"
    echo "loop), so read every ratio with its [lowest-highest round] range. Find"
    echo "pays one read check per run of its loop, FindEach one per lookup (a"
    echo "few loads, no store). The mutex"
    echo "case is bimodal: its cost depends on whether two of its four threads"
    echo "run at once, that is, on what else the two cores are doing. The churn"
    echo "cases' targets, a few percent, are judged on the instructions their"
    echo "loops execute (\"Instructions\" below): their CPU time moves by as"
    echo "much with the code's and the heap's layout (\"Loop windows and"
    echo "per-write cost\", after the marker)."
    echo
    echo "![ratios to baseline, log scale](ratios.png)"
    echo
    cat "$res/summary.md"
    if [ -n "$kept" ]; then
      echo
      printf '%s\n' "$kept"
    fi
  } >"$repo/bench/RESULTS.md"
  cp "$res/ratios.png" "$repo/bench/ratios.png"
  say "recorded bench/RESULTS.md and bench/ratios.png"
fi

say "done in $(($(date +%s) - started))s; raw JSON in $res/raw, chart $res/ratios.png"
