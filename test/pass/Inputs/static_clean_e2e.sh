#!/usr/bin/env bash
# Compiles every race-free end-to-end program (test/e2e/clean_*) with the
# pass at one optimisation level and fails if any gets the build-time
# "unsynchronized map write" warning, or does not compile.
#
#   static_clean_e2e.sh CLANGXX PLUGIN E2E_DIR INCLUDE_DIR RUNTIME_SRC OPT FIRST
#
# FIRST: a bracket expression the program's name after "clean_" starts with
# ([a-m], [n-z]), so that a loaded machine stays within lit's deadline.
set -u
clangxx=$1 plugin=$2 dir=$3 include=$4 runtime=$5 opt=$6 first=$7
clang=${clangxx%++}
glib=$(pkg-config --cflags glib-2.0 2>/dev/null)
checked=0 failed=0
for f in "$dir"/clean_$first*.cpp "$dir"/clean_$first*.c; do
  [ -e "$f" ] || continue
  case $f in *.c) cc=("$clang") ;; *) cc=("$clangxx" -std=c++20) ;; esac
  # shellcheck disable=SC2086 # $glib is a list of flags
  if ! out=$("${cc[@]}" -fpass-plugin="$plugin" -fplugin="$plugin" "$opt" -pthread \
      -gline-tables-only -I "$dir/Inputs" -I "$include" -I "$runtime" $glib \
      -emit-llvm -c -o /dev/null "$f" 2>&1); then
    echo "does not compile: $f"; echo "$out"; failed=1
  elif grep "unsynchronized map write" <<<"$out"; then
    failed=1
  fi
  checked=$((checked + 1))
done
echo "checked $checked programs at $opt"
exit $failed
