// An iteration over a map (a range-for) whose loop has nothing in it that
// synchronises is checked where it starts (begin()) and again where its loop
// ends: another thread's write that began and ended in the middle of the
// iteration races with it, and is reported with Go's third message, naming
// both sites. Here the other thread writes while the loop, at its first
// element, spins on a relaxed flag (which orders nothing).
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
//
// Checked only where it starts, the iteration misses the write.
// RUN: %mgxx -O2 -g -pthread -I %S/Inputs %s -o %t.at-begin -mllvm -mapguard-loop-windows=0
// RUN: %t.at-begin 2> %t.at-begin.err | FileCheck %s --check-prefix=MISSED
// RUN: test ! -s %t.at-begin.err
// MISSED: not caught: 3 entries

#include "overlap.h"
#include <cstdio>
#include <map>

std::map<int, int> ages = {{1, 10}, {5, 50}};
bool started, wrote, iterated; // accessed only with relaxed atomic builtins

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map iteration and map write
// CHECK-NEXT: fatal error: concurrent map iteration and map write
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int>)

__attribute__((noinline)) long total_b() {
  long sum = 0;
  // CHECK-NEXT: iteration by thread {{[0-9]+}} "writer-b" in total_b() at {{.*}}racy_write_during_iteration.cpp:[[#LINE_B:@LINE+2]]:{{[0-9]+}} [begin]
  // REMARK: racy_write_during_iteration.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: checked iteration: std::map<int, int>::begin (checked again where the loop at line [[#@LINE+1]] ends)
  for (const auto &entry : ages) {
    sum += entry.second;
    __atomic_store_n(&started, true, __ATOMIC_RELAXED);
    while (!__atomic_load_n(&wrote, __ATOMIC_RELAXED)) {
    }
  }
  return sum;
}

void insert_a() {
  while (!__atomic_load_n(&started, __ATOMIC_RELAXED)) {
  }
  // CHECK: while thread {{[0-9]+}} "writer-a" wrote it during this iteration in insert_a() at {{.*}}racy_write_during_iteration.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ages.insert({3, 30});
  __atomic_store_n(&wrote, true, __ATOMIC_RELAXED);
  // Alive until the report has read this thread's name.
  while (!__atomic_load_n(&iterated, __ATOMIC_RELAXED)) {
  }
}

// CHECK: SUMMARY: MapGuard: concurrent map iteration and map write {{.*}}racy_write_during_iteration.cpp:[[#LINE_B]] in total_b()

int main() {
  long sum = 0;
  overlap::in_two_threads(insert_a, [&] {
    sum = total_b();
    __atomic_store_n(&iterated, true, __ATOMIC_RELAXED);
  });
  std::printf("not caught: %zu entries\n", ages.size());
  return sum == 0;
}
