// Three maps placed where they share one home slot of the strict table,
// each written and read by a thread of its own, one window per write: most
// writes find the home slot taken by another map's write and go elsewhere
// in the bucket, and writes at home find writes away from it. No two
// threads touch one map, so nothing may be reported, and every write and
// lookup must do what it does without MapGuard.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs -I %mapguard_runtime_src %s -o %t \
// DEFINE:   && for i in 1 2 3; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "home_slot.h"
#include <cstdio>
#include <map>
#include <thread>

using Map = std::map<int, int>;

long work(Map &m, int id) {
  long found = 0;
  for (int i = 0; i < 100000; ++i) {
    asm volatile("# a window per write: MapGuard cannot see through this");
    m[i % 1000] += id;
    found += m.find((i * 7) % 1000) != m.end();
  }
  return found;
}

int main() {
  Map *maps[3];
  home_slot::place(maps);
  long found[3];
  std::thread threads[3];
  for (int t = 0; t < 3; ++t)
    threads[t] = std::thread([&, t] { found[t] = work(*maps[t], t + 1); });
  for (std::thread &t : threads)
    t.join();
  // CHECK: sizes 1000 1000 1000, first values 100 200 300
  std::printf("sizes %zu %zu %zu, first values %d %d %d\n", maps[0]->size(),
              maps[1]->size(), maps[2]->size(), (*maps[0])[0], (*maps[1])[0],
              (*maps[2])[0]);
  // CHECK-NEXT: lookups that found a key: 298503
  std::printf("lookups that found a key: %ld\n", found[0] + found[1] + found[2]);
}
