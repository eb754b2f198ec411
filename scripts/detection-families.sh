#!/usr/bin/env bash
# How often MapGuard catches races on the maps beyond std:: (issue: every
# map a project uses): the abseil, boost and glib presets, a class declared
# by annotations and a C library declared in a maps file.
#
#   scripts/detection-families.sh [--runs N] [--families LIST] [--opts LIST]
#
# Builds bench/families/families.cpp once per family x shape (WW: two
# writers; RW: a reader against a writer) x optimisation (-O0, -O2) with
# build/bin/mapguard-clang++ at default settings, runs each N times
# (default 100), and prints a markdown table of caught/runs. A run counts
# as caught when it aborts with "fatal error: concurrent map ...". The
# race-free twins (WW-locked, RW-locked: every access under a lock) print
# silent/runs instead: runs that exited 0 with no report, which must be all.
# Exits 1 if a locked run was not silent. Record the table in
# bench/RESULTS.md with the command and `uptime`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=100
families=ABSEIL_FLAT,ABSEIL_BTREE,BOOST,GLIB,ANNOTATED,CLIB
opts=O0,O2
while [ $# -gt 0 ]; do
  case "$1" in
  --runs) runs=$2; shift 2 ;;
  --families) families=$2; shift 2 ;;
  --opts) opts=$2; shift 2 ;;
  *) echo "detection-families.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$runs" in ''|*[!0-9]*) echo "detection-families.sh: --runs needs a number" >&2; exit 2 ;; esac

mg=build/bin/mapguard-clang++
[ -x "$mg" ] || { echo "detection-families.sh: build first (scripts/test.sh or cmake --build build)" >&2; exit 1; }
llvm_dir=$(sed -n "s/^LLVM_DIR:[A-Z]*=//p" build/CMakeCache.txt)
clang=${llvm_dir%/lib/cmake/llvm}/bin/clang
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=test/e2e/Inputs

build() { # family opt shape -> binary path
  local fam=$1 opt=$2 shape=$3 out="$work/$1.$2.$3" extra=()
  case "$fam" in
  ABSEIL_*) extra=(-labsl_raw_hash_set -labsl_hash -labsl_city -labsl_low_level_hash) ;;
  GLIB) read -ra extra <<<"$(pkg-config --cflags --libs glib-2.0)" ;;
  ANNOTATED)
    "$mg" -"$opt" -g -pthread -I"$inputs" -Iinclude -c "$inputs/sku_table.cpp" -o "$work/sku.$opt.o"
    extra=("$work/sku.$opt.o" -Iinclude) ;;
  CLIB)
    "$clang" -O2 -c "$inputs/ctable.c" -o "$work/ctable.o"
    extra=("$work/ctable.o" -mllvm "-mapguard-maps=$inputs/ctable.maps") ;;
  esac
  local defs=(-DSHAPE_"${shape%-locked}")
  [ "$shape" = "${shape%-locked}" ] || defs+=(-DLOCKED)
  "$mg" -"$opt" -g -pthread -DFAMILY_"$fam" "${defs[@]}" -I"$inputs" bench/families/families.cpp -o "$out" "${extra[@]}"
  echo "$out"
}

false_reports=no
IFS=, read -ra fams <<<"$families"
IFS=, read -ra optlist <<<"$opts"
header="| family | shape |"; rule="| --- | --- |"
for o in "${optlist[@]}"; do header+=" -$o |"; rule+=" --- |"; done
echo "$header"; echo "$rule"
for fam in "${fams[@]}"; do
  for shape in WW RW WW-locked RW-locked; do
    row="| $fam | $shape |"
    for o in "${optlist[@]}"; do
      bin=$(build "$fam" "$o" "$shape")
      caught=0 silent=0
      for ((i = 0; i < runs; i++)); do
        # (A subshell, so that the shell's "Aborted" notice goes nowhere.)
        status=$(sh -c 'timeout 60 "$0" >/dev/null 2>"$1"; echo $?' "$bin" "$work/err" 2>/dev/null)
        if grep -q "fatal error: concurrent map" "$work/err"; then
          [ "$status" -eq 0 ] || caught=$((caught + 1))
        elif [ "$status" -eq 0 ]; then
          silent=$((silent + 1))
        fi
      done
      case $shape in
      *-locked)
        row+=" silent $silent/$runs |"
        [ "$silent" -eq "$runs" ] || false_reports=yes ;;
      *) row+=" $caught/$runs |" ;;
      esac
    done
    echo "$row"
  done
done
if [ "$false_reports" = yes ]; then
  echo "detection-families.sh: a race-free twin was not silent in every run" >&2
  exit 1
fi
