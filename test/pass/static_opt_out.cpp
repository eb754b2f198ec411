// Ways to keep a write out of the build-time check: MAPGUARD_NO_INSTRUMENT
// or MAPGUARD_NO_STATIC on the spawner or on a start routine,
// an ignorelist entry matching the write, NOLINT(mapguard) on the write's
// line; -mapguard-static=0 turns the check off. The twin with none of them
// warns.
//
// RUN: echo 'fun:*listed_in_ignorelist*' > %t.ignore
// DEFINE: %{cc} = %clangxx -std=c++20 -fpass-plugin=%plugin -fplugin=%plugin -pthread -gline-tables-only -fno-caret-diagnostics -I %mapguard_include -c -o /dev/null %s -mllvm -mapguard-ignorelist=%t.ignore
// RUN: %{cc} -O0 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O2 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O0 -mllvm -mapguard-static=0 2>&1 | count 0
// RUN: %{cc} -O2 -mllvm -mapguard-static=0 2>&1 | count 0
#include <map>
#include <mapguard/mapguard.h>
#include <pthread.h>
#include <thread>

std::map<int, int> g;

void twin() {
  // CHECK: static_opt_out.cpp:[[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'g' is written by the threads started at {{.*}} with no lock held (operator[])
  std::thread a([] { g[1] = 1; });
  // CHECK: static_opt_out.cpp:[[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'g' is written by the threads started at {{.*}} with no lock held (operator[])
  std::thread b([] { g[2] = 2; });
  a.join();
  b.join();
}

MAPGUARD_NO_INSTRUMENT void no_instrument_spawner() {
  std::thread a([] { g[1] = 1; });
  std::thread b([] { g[2] = 2; });
  a.join();
  b.join();
}

MAPGUARD_NO_STATIC void no_static_spawner() {
  std::thread a([] { g[1] = 1; });
  std::thread b([] { g[2] = 2; });
  a.join();
  b.join();
}

MAPGUARD_NO_INSTRUMENT void *no_instrument_routine(void *) {
  g[3] = 3;
  return nullptr;
}

__attribute__((annotate("mapguard_no_static"))) void *
no_static_routine(void *) {
  g[4] = 4;
  return nullptr;
}

void routines() {
  pthread_t a, b, c, d;
  pthread_create(&a, nullptr, no_instrument_routine, nullptr);
  pthread_create(&b, nullptr, no_instrument_routine, nullptr);
  pthread_create(&c, nullptr, no_static_routine, nullptr);
  pthread_create(&d, nullptr, no_static_routine, nullptr);
  pthread_join(a, nullptr);
  pthread_join(b, nullptr);
  pthread_join(c, nullptr);
  pthread_join(d, nullptr);
}

void listed_in_ignorelist() {
  std::thread a([] { g[1] = 1; });
  std::thread b([] { g[2] = 2; });
  a.join();
  b.join();
}

void nolint() {
  std::thread a([] { g[1] = 1; }); // NOLINT(mapguard): startup, one at a time
  std::thread b([] { g[2] = 2; }); // NOLINT(mapguard)
  a.join();
  b.join();
}
