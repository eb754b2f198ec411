// Two threads writing one map while a third thread's write of another map
// holds the first map's home slot in the strict table: both racing writes
// go elsewhere in the bucket, and must still meet and be reported with
// both sites. Strict mode only (fast mode's table is direct-mapped: there
// the other map's write would leave these untracked).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs -I %mapguard_runtime_src %s -o %t \
// DEFINE:   && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0 -mllvm -mapguard-mode=strict
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=strict
// RUN: %{check}

#include "home_slot.h"
#include "overlap.h"
#include <cstdio>
#include <map>

using Map = std::map<int, int, GateLess>;
Map *maps[2]; // maps[0] holds the home slot, maps[1] races

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_away_from_home.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  (*maps[1])[2] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_away_from_home.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  (*maps[1])[1] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_away_from_home.cpp:[[#LINE_B]] in write_b()

int main() {
  home_slot::place(maps);
  (*maps[0])[0] = 0; // so that the next write calls the comparator
  (*maps[1])[0] = 0;
  // The holder's write of maps[0] stays in progress (at its home slot)
  // until the race is over.
  overlap::Gate holding;
  std::thread holder([&] {
    overlap::name_thread("holder");
    overlap::arm(holding);
    (*maps[0])[5] = 5;
  });
  holding.wait_for_a();
  overlap::race(write_a, write_b);
  holding.b_finished();
  holder.join();
  std::printf("not caught: %zu entries\n", maps[1]->size());
}
