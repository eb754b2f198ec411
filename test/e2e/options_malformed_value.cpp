// A malformed MAPGUARD_OPTIONS value is an error: one ERROR line saying what
// is wrong, and exit status 1 (the program does not run on with options it
// did not ask for).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t \
// DEFINE:   && for opts in halt_on_error=maybe exitcode=abc verbosity=loud halt_on_error=0:exitcode=; do \
// DEFINE:        { env MAPGUARD_OPTIONS=$opts %t > %t.out 2> %t.err; test $? -eq 1; } \
// DEFINE:        && FileCheck %s --input-file %t.err || { echo "MAPGUARD_OPTIONS=$opts"; cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: MAPGUARD_OPTIONS: {{.+}}

#include <cstdio>
#include <map>

int main() {
  std::map<int, int> m;
  m[1] = 1;
  std::printf("%zu entries\n", m.size());
}
