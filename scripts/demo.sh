#!/usr/bin/env bash
# MapGuard in one minute: builds MapGuard (installing what is missing), then
# compiles examples/seed.cpp -- Go's ten-goroutine "concurrent map writes"
# program, in C++ -- twice:
#
#   1. with plain clang++: the race goes unnoticed (the program finishes,
#      maybe with a wrong size, maybe crashing much later);
#   2. with build/bin/mapguard-clang++: MapGuard stops it with a report
#      naming both writers.
#
# The race itself is left to chance, so each build is run up to 20 times.
# Works from any directory. MAPGUARD_BUILD_DIR=DIR builds in DIR instead of
# build/.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
build=${MAPGUARD_BUILD_DIR:-"$repo/build"}
runs=20

bold() { if [ -t 1 ]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

bash "$repo/scripts/install-deps.sh"
echo "Building MapGuard in $build ..."
if [ ! -x "$build/bin/mapguard-clang++" ] || [ ! -f "$build/build.ninja" ]; then
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seed="$repo/examples/seed.cpp"
clangxx=/usr/lib/llvm-19/bin/clang++

echo
bold "== examples/seed.cpp: ten threads, one std::unordered_map, no lock"
sed -n '/^int main/,/^}/p' "$seed"

echo
bold "== Without MapGuard: $clangxx -O1 -g -pthread"
"$clangxx" -O1 -g -pthread "$seed" -o "$work/seed-plain"
silent=0
for i in $(seq "$runs"); do
  if out=$({ "$work/seed-plain"; } 2>/dev/null); then
    silent=$((silent + 1))
    last=$out
  else
    echo "run $i: exit status $? -- the map was corrupted"
  fi
done
echo "$silent of $runs runs finished without a word (last one printed: ${last:-nothing})."
echo "The program has a data race on the map in every run; nothing says so."

echo
bold "== With MapGuard: ${build#"$repo"/}/bin/mapguard-clang++ -O1 -g -pthread"
"$build/bin/mapguard-clang++" -O1 -g -pthread "$seed" -o "$work/seed"
for i in $(seq "$runs"); do
  status=0
  # (braces: keep bash's own "Aborted" notice out of the way)
  { "$work/seed" >"$work/out" 2>"$work/report"; } 2>/dev/null || status=$?
  if [ -s "$work/report" ]; then
    cat "$work/report"
    echo
    echo "Caught in run $i of at most $runs (exit status $status: abort())."
    exit 0
  fi
done
echo "No report in $runs runs (the threads never wrote at the same time)."
echo "Run it again, or see README.md for what MapGuard can and cannot catch."
exit 1
