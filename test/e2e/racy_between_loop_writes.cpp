// A loop that writes one map with nothing in between that synchronises is
// guarded as one window from its first write to its end: another thread's
// write that lands between two of the loop's calls, and so overlaps none of
// them, races with them all the same and is reported. Here the other thread
// writes while the loop waits on a relaxed flag (which orders nothing).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=fast
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
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
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in add_b() at {{.*}}racy_between_loop_writes.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  totals[100] += 1;
  __atomic_store_n(&b_wrote, true, __ATOMIC_RELAXED);
}

// REMARK: racy_between_loop_writes.cpp:[[#@LINE+6]]:{{[0-9]+}}: remark: guarded write: std::map<int, int>::operator[] ({{.*}}; one check for each run of the loop at line [[#@LINE+4]])
// The first write is over before the other thread writes; the second waits
// for it.
__attribute__((noinline)) void add_a() {
  for (int i = 0; i < 2; ++i) {
    // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in add_a() at {{.*}}racy_between_loop_writes.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
    totals[i] += 1;
    if (i == 0) {
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
