// insert and erase on one std::map from two threads at once are reported,
// with erase as the write that noticed and insert as the one in progress.
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
#include <map>

std::map<int, int, GateLess> ages = {{1, 10}, {5, 50}};

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_insert_erase_map.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [erase]
  ages.erase(5);
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_insert_erase_map.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ages.insert({3, 30});
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_insert_erase_map.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", ages.size());
}
