// A loop that only looks one map up, with nothing in between that
// synchronises, is checked once, at its end: another thread's write that
// began and ended while the loop ran overlapped none of its lookups'
// checks, but races with them all the same, and is reported, naming both
// sites. Here the loop spins on relaxed flags (which order nothing); the
// other thread starts writing after the loop's first lookup, and its
// comparator holds the write open until the loop has made a whole lookup
// while it was inside, then lets it end before the loop does.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t \
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
// Without the read window each lookup is checked at its own instant: the
// lookup made while the write was held open reports it in progress ("was
// writing it"), which the check lines above do not accept.
// RUN: %mgxx -O2 -g -pthread %s -o %t.per-lookup -mllvm -mapguard-loop-windows=0
// RUN: { %t.per-lookup 2> %t.per-lookup.err; test $? -eq 134; }
// RUN: FileCheck %s --check-prefix=PER-LOOKUP --input-file %t.per-lookup.err

#include <cstdio>
#include <map>
#include <pthread.h>
#include <thread>

// All accessed only with relaxed atomic builtins.
bool looked, a_inside, b_saw, wrote, scanned;
thread_local bool holding; // this thread's next comparison holds

// Holds the comparison it is armed for until the loop has seen it.
struct HoldingLess {
  bool operator()(int a, int b) const {
    if (holding) {
      holding = false;
      __atomic_store_n(&a_inside, true, __ATOMIC_RELAXED);
      while (!__atomic_load_n(&b_saw, __ATOMIC_RELAXED)) {
      }
    }
    return a < b;
  }
};

std::map<int, int, HoldingLess> ages = {{1, 10}, {5, 50}};

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map read and map write
// CHECK-NEXT: fatal error: concurrent map read and map write
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, HoldingLess>)
// PER-LOOKUP: fatal error: concurrent map read and map write
// PER-LOOKUP: while thread {{[0-9]+}} "writer-a" was writing it in insert_a()

__attribute__((noinline)) long scan_b() {
  long hits = 0;
  bool seen = false;
  while (!__atomic_load_n(&wrote, __ATOMIC_RELAXED)) {
    // CHECK-NEXT: read by thread {{[0-9]+}} "reader-b" in scan_b() at {{.*}}racy_write_during_read_loop.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [count]
    hits += ages.count(5);
    __atomic_store_n(&looked, true, __ATOMIC_RELAXED);
    if (seen) // a whole lookup since the write was seen inside
      __atomic_store_n(&b_saw, true, __ATOMIC_RELAXED);
    seen = __atomic_load_n(&a_inside, __ATOMIC_RELAXED);
  }
  return hits;
}

void insert_a() {
  while (!__atomic_load_n(&looked, __ATOMIC_RELAXED)) {
  }
  holding = true;
  // CHECK: while thread {{[0-9]+}} "writer-a" wrote it during these reads in insert_a() at {{.*}}racy_write_during_read_loop.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ages.insert({3, 30});
  __atomic_store_n(&wrote, true, __ATOMIC_RELAXED);
  // Alive until the report has read this thread's name.
  while (!__atomic_load_n(&scanned, __ATOMIC_RELAXED)) {
  }
}

// CHECK: SUMMARY: MapGuard: concurrent map read and map write {{.*}}racy_write_during_read_loop.cpp:[[#LINE_B]] in scan_b()

int main() {
  long hits = 0;
  std::thread a([] {
    pthread_setname_np(pthread_self(), "writer-a");
    insert_a();
  });
  std::thread b([&] {
    pthread_setname_np(pthread_self(), "reader-b");
    hits = scan_b();
    __atomic_store_n(&scanned, true, __ATOMIC_RELAXED);
  });
  a.join();
  b.join();
  std::printf("not caught: %zu entries, %ld hits\n", ages.size(), hits);
}
