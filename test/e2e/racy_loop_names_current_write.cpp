// A loop guarded as one window with two writes in it: the report names the
// write the loop had reached when the other thread came in (emplace, the
// second), not the one that opened the window (operator[], the first).
// Strict mode only: there the window's slot is the loop's own until it
// closes, so each write points it at its own site. Fast mode's slot can be
// stored over by a racing writer, so it keeps the opening write's site
// (racy_between_loop_writes.cpp covers fast mode's report).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0 -mllvm -mapguard-mode=strict
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=strict
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -stdlib=libc++ -mllvm -mapguard-mode=strict
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <map>

std::map<int, int> totals;
bool a_wrote, b_wrote; // accessed only with relaxed atomic builtins

// CHECK: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int>)

void add_b() {
  while (!__atomic_load_n(&a_wrote, __ATOMIC_RELAXED)) {
  }
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in add_b() at {{.*}}racy_loop_names_current_write.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  totals[100] += 1;
  __atomic_store_n(&b_wrote, true, __ATOMIC_RELAXED);
}

// The window opens at the first run's operator[]; the other thread writes
// after the second run's emplace.
__attribute__((noinline)) void add_a() {
  for (int i = 0; i < 2; ++i) {
    if (i == 0) {
      totals[i] += 1;
    } else {
      // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in add_a() at {{.*}}racy_loop_names_current_write.cpp:[[#@LINE+1]]:{{[0-9]+}} [emplace]
      totals.emplace(i, 1);
      __atomic_store_n(&a_wrote, true, __ATOMIC_RELAXED);
      while (!__atomic_load_n(&b_wrote, __ATOMIC_RELAXED)) {
      }
    }
  }
}

int main() {
  overlap::in_two_threads(add_a, add_b);
  std::printf("not caught: %zu entries\n", totals.size());
}
