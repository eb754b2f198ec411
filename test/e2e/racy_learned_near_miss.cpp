// learn_path: two threads write one map 100 ms apart with nothing between
// them, a race no hold of handoff_hold_us (1 ms) turns into an overlap. The
// first run only records the pair of sites where the map changed writer;
// the second run, reading it, holds the first write busy_hold_us, and the
// second write meets it.
//
// RUN: %mgxx -std=c++20 -O2 -g -pthread %s -o %t
// RUN: rm -f %t.learn
// First run: not caught (no prolonged holds: busy_hold_us=0), the pair
// saved. (A run that a wake-up 100 ms late did catch saves nothing: up to
// three tries.)
// RUN: for i in 1 2 3; do env MAPGUARD_OPTIONS=learn_path=%t.learn:busy_hold_us=0 %t > %t.out1 2> %t.err1 && break; done
// RUN: FileCheck --check-prefix=FIRST %s --input-file %t.out1
// RUN: FileCheck --check-prefix=LEARNED %s --input-file %t.learn
// Second run, with the file: caught.
// RUN: env MAPGUARD_OPTIONS=learn_path=%t.learn:busy_hold_us=5000000 %t > %t.out2 2> %t.err2; test $? -eq 134
// RUN: FileCheck %s --input-file %t.err2

#include <chrono>
#include <cstdio>
#include <latch>
#include <thread>
#include <unordered_map>

std::unordered_map<int, int> m;
std::latch start(2);

// FIRST: not caught: 2
// LEARNED: # MapGuard learn_path:
// LEARNED-NEXT: {{^[0-9a-f]{16} [0-9a-f]{16} .*}}racy_learned_near_miss.cpp:[[#@LINE+16]]:{{[0-9]+}} operator[] <- {{.*}}racy_learned_near_miss.cpp:[[#@LINE+5]]:{{[0-9]+}} operator[]{{$}}
// LEARNED-NOT: {{.}}

void early() {
  start.arrive_and_wait();
  m[1] = 1;
}

void late() {
  start.arrive_and_wait();
  // 100 ms of work that touches no map and synchronises with nothing: a
  // race with early()'s write all the same.
  auto Until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  unsigned long Spins = 0;
  while (std::chrono::steady_clock::now() < Until)
    ++Spins;
  m[2] = int(Spins & 1);
}

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int>)
// CHECK-NEXT: write by thread {{[0-9]+}} "{{[^"]*}}" in late() at {{.*}}racy_learned_near_miss.cpp:[[#@LINE-6]]:{{[0-9]+}} [operator[]]
// CHECK: while thread {{[0-9]+}} "{{[^"]*}}" was writing it in early() at {{.*}}racy_learned_near_miss.cpp:[[#@LINE-18]]:{{[0-9]+}} [operator[]]

int main() {
  std::thread A(early), B(late);
  A.join();
  B.join();
  std::printf("not caught: %zu\n", m.size());
}
