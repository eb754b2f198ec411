#!/usr/bin/env bash
# Checks that the C and C++ sources under pass/, runtime/, include/ and
# test/runtime/ are formatted as .clang-format says, with LLVM 19's
# clang-format (Debian's clang-format-19). Lists each file that is not and
# exits 1; with --fix, formats them in place instead.
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
clang_format=/usr/lib/llvm-19/bin/clang-format
if [ ! -x "$clang_format" ]; then
  echo "check-format: $clang_format is missing (scripts/install-deps.sh installs clang-format-19)" >&2
  exit 2
fi
fix=no
case ${1:-} in
  --fix) fix=yes ;;
  "") ;;
  *) echo "check-format: unknown argument '$1' (only --fix)" >&2; exit 2 ;;
esac
cd "$repo"
mapfile -t files < <(git ls-files -- 'pass/*.cpp' 'pass/*.h' 'runtime/*.cpp' \
  'runtime/*.h' 'runtime/*.inc' 'include/*.h' 'test/runtime/*.cpp' 'test/runtime/*.h')
if [ "$fix" = yes ]; then
  "$clang_format" -i "${files[@]}"
  exit 0
fi
bad=0
for f in "${files[@]}"; do
  if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "check-format: $f is not formatted (scripts/check-format.sh --fix)"
    bad=1
  fi
done
exit $bad
