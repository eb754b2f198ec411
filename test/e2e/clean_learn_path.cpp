// learn_path never makes a report by itself: a map shared under a mutex
// changes writer at every lock handoff, so its sites are recorded, and a
// second run that holds long at them still reports nothing. A malformed
// line, or a file that cannot be written, gets one warning and the program
// runs on.
//
// RUN: %mgxx -O2 -g -pthread %s -o %t
// RUN: rm -rf %t.learn %t.dir && mkdir %t.dir
// RUN: env MAPGUARD_OPTIONS=learn_path=%t.learn %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out
// RUN: FileCheck --check-prefix=LEARNED %s --input-file %t.learn
// RUN: env MAPGUARD_OPTIONS=learn_path=%t.learn:busy_hold_us=5000 %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out
// A malformed line: one warning, the good lines still count.
// RUN: echo 'not a pair' >> %t.learn && echo '123 456' >> %t.learn
// RUN: env MAPGUARD_OPTIONS=learn_path=%t.learn %t > %t.out 2> %t.err && FileCheck %s --input-file %t.out
// RUN: FileCheck --check-prefix=MALFORMED %s --input-file %t.err
// A directory cannot be written: one warning at exit.
// RUN: env MAPGUARD_OPTIONS=learn_path=%t.dir %t > %t.out 2> %t.err && FileCheck %s --input-file %t.out
// RUN: FileCheck --check-prefix=UNWRITABLE %s --input-file %t.err

// CHECK: total 4000
// LEARNED: # MapGuard learn_path:
// LEARNED: {{^[0-9a-f]{16} [0-9a-f]{16} .*}}clean_learn_path.cpp:[[#@LINE+17]]:{{[0-9]+}} operator[] <- {{.*}}clean_learn_path.cpp:[[#@LINE+17]]:{{[0-9]+}} operator[]{{$}}
// MALFORMED: =={{[0-9]+}}==WARNING: MapGuard: learn_path {{.*}}.learn: a line is not '<16 hex digits> <16 hex digits> ...' (skipped); going on without it
// MALFORMED-NOT: WARNING
// UNWRITABLE: =={{[0-9]+}}==WARNING: MapGuard: learn_path {{.*}}.dir: cannot write it (EISDIR); going on without it
// UNWRITABLE-NOT: {{.}}

#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

std::unordered_map<int, int> counts;
std::mutex counts_mutex;

void count(int id) {
  for (int i = 0; i < 2000; ++i) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts[i % 100] += 1;
  }
}

int main() {
  std::thread A(count, 0), B(count, 1);
  A.join();
  B.join();
  int total = 0;
  for (auto &KV : counts)
    total += KV.second;
  std::printf("total %d\n", total);
}
