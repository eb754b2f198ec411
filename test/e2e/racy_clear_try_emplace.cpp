// clear() racing try_emplace() on one std::unordered_map is reported.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
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
#include <unordered_map>

std::unordered_map<int, int, GateHash> cache = {{1, 1}, {2, 2}};

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_clear_try_emplace.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [clear]
  cache.clear();
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_clear_try_emplace.cpp:[[#@LINE+1]]:{{[0-9]+}} [try_emplace]
  cache.try_emplace(7, 70);
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_clear_try_emplace.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", cache.size());
}
