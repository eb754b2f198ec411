// Writes in a MAPGUARD_NO_INSTRUMENT function are not guarded: a deliberate
// race (the overlap is forced, as in the racy_* tests) between an opted-out
// write and a guarded one is not reported, whichever side is opted out.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && for side in a b a b; do %t $side > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <cstring>
#include <mapguard/mapguard.h>
#include <unordered_map>

std::unordered_map<int, int, GateHash> shared;

MAPGUARD_NO_INSTRUMENT void quiet_write_a() { shared[1] = 1; }
void guarded_write_a() { shared[1] = 1; }
MAPGUARD_NO_INSTRUMENT void quiet_write_b() { shared[2] = 2; }
void guarded_write_b() { shared[2] = 2; }

int main(int argc, char **argv) {
  if (argc > 1 && std::strcmp(argv[1], "a") == 0)
    overlap::race(quiet_write_a, guarded_write_b);
  else
    overlap::race(guarded_write_a, quiet_write_b);
  // CHECK: not reported: 2 entries
  std::printf("not reported: %zu entries\n", shared.size());
}
