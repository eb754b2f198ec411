// A loop that only looks one map up, with nothing in between that
// synchronises, is checked once, at its end: another thread's write that
// began and ended while the loop ran overlapped none of its lookups' instants
// but races with them all the same, and is reported, naming both sites.
// Here the other thread writes while the loop spins on a relaxed flag
// (which orders nothing): the write starts after the loop's first lookup and
// is over before its last.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
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
// Without the read window, each lookup is checked at its own instant: the
// same program is reported while the write is in progress instead ("was
// writing it"), which the check lines below do not accept.
// RUN: %mgxx -O2 -g -pthread -I %S/Inputs %s -o %t.per-lookup -mllvm -mapguard-loop-windows=0
// RUN: { %t.per-lookup 2> %t.per-lookup.err; test $? -eq 134; }
// RUN: FileCheck %s --check-prefix=PER-LOOKUP --input-file %t.per-lookup.err

#include "overlap.h"
#include <cstdio>
#include <map>

std::map<int, int> ages = {{1, 10}, {5, 50}};
bool looked, wrote, scanned; // accessed only with relaxed atomic builtins

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map read and map write
// CHECK-NEXT: fatal error: concurrent map read and map write
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int>)
// PER-LOOKUP: fatal error: concurrent map read and map write
// PER-LOOKUP: while thread {{[0-9]+}} "writer-a" was writing it in insert_a()

__attribute__((noinline)) long scan_b() {
  long hits = 0;
  while (!__atomic_load_n(&wrote, __ATOMIC_RELAXED)) {
    // CHECK-NEXT: read by thread {{[0-9]+}} "writer-b" in scan_b() at {{.*}}racy_write_during_read_loop.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [count]
    hits += ages.count(5);
    __atomic_store_n(&looked, true, __ATOMIC_RELAXED);
  }
  return hits;
}

void insert_a() {
  while (!__atomic_load_n(&looked, __ATOMIC_RELAXED)) {
  }
  // CHECK-NEXT: while thread {{[0-9]+}} "writer-a" wrote it during these reads in insert_a() at {{.*}}racy_write_during_read_loop.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ages.insert({3, 30});
  __atomic_store_n(&wrote, true, __ATOMIC_RELAXED);
  // Alive until the report has read this thread's name.
  while (!__atomic_load_n(&scanned, __ATOMIC_RELAXED)) {
  }
}

// CHECK-NEXT: SUMMARY: MapGuard: concurrent map read and map write {{.*}}racy_write_during_read_loop.cpp:[[#LINE_B]] in scan_b()

int main() {
  long hits = 0;
  overlap::in_two_threads(insert_a, [&] {
    hits = scan_b();
    __atomic_store_n(&scanned, true, __ATOMIC_RELAXED);
  });
  std::printf("not caught: %zu entries, %ld hits\n", ages.size(), hits);
}
