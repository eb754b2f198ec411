// Threads spawned in a loop that each write one shared map warn: the seed's
// pattern, pthread_create with the map as the start routine's argument,
// std::jthread, a lambda capturing `this`. Their silent twins: each thread
// joined (or a std::jthread destroyed) in the iteration, a spawn on some
// iterations only, do { } while (0), a map made anew in each iteration,
// captured by value, per-thread maps (maps[i] of a vector, an array, a C
// array, a local of the body, a thread_local), a pointer or reference
// taken in the iteration, a write only thread 0 or the first to flip a
// relaxed flag makes, a lambda called and not spawned, std::call_once.
//
// DEFINE: %{cc} = %clangxx -std=c++20 -fpass-plugin=%plugin -fplugin=%plugin -pthread -gline-tables-only -fno-caret-diagnostics -c -o /dev/null %s
// RUN: %{cc} -O0 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O2 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -fexperimental-library -O0 2>&1 | FileCheck %s --implicit-check-not=warning: %}
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -fexperimental-library -O2 2>&1 | FileCheck %s --implicit-check-not=warning: %}
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

void seed_pattern() {
  std::map<int, int> m;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at static_loops.cpp:[[#@LINE+1]]:{{[0-9]+}} (in a loop) with no lock held (operator[])
    ts.emplace_back([&m, i] { m[i] = i; });
  for (auto &t : ts)
    t.join();
}

void *worker(void *arg) {
  auto *m = static_cast<std::map<int, int> *>(arg);
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at static_loops.cpp:[[#@LINE+9]]:{{[0-9]+}} (in a loop) with no lock held (erase)
  m->erase(1);
  return nullptr;
}

void with_pthreads() {
  std::map<int, int> m;
  pthread_t ts[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&ts[i], nullptr, worker, &m);
  for (auto &t : ts)
    pthread_join(t, nullptr);
}

void with_jthreads() {
  std::map<int, int> m;
  std::vector<std::jthread> ts;
  for (int i = 0; i < 4; ++i)
    // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at {{.*}} (in a loop) with no lock held (insert)
    ts.emplace_back([&m, i] { m.insert({i, i}); });
}

struct Cache {
  std::map<int, int> entries;
  void fill() {
    std::vector<std::thread> ts;
    for (int i = 0; i < 4; ++i)
      // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at {{.*}} (in a loop) with no lock held (operator[])
      ts.emplace_back([this, i] { entries[i] = i; });
    for (auto &t : ts)
      t.join();
  }
};
void use_cache() { Cache().fill(); }

// Silent twins.

void join_in_loop() {
  std::map<int, int> m;
  for (int i = 0; i < 4; ++i) {
    std::thread t([&m, i] { m[i] = i; });
    t.join();
  }
}

void jthread_in_loop() {
  std::map<int, int> m;
  for (int i = 0; i < 4; ++i)
    std::jthread t([&m, i] { m[i] = i; });
}

void some_iterations() {
  std::map<int, int> m;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    if (i == 2)
      ts.emplace_back([&m] { m[1] = 1; });
  for (auto &t : ts)
    t.join();
}

#define SPAWN(ts, m)                                                           \
  do {                                                                         \
    ts.emplace_back([&m] { m[1] = 1; });                                       \
  } while (0)
void do_while_zero() {
  std::map<int, int> m;
  std::vector<std::thread> ts;
  SPAWN(ts, m);
  for (auto &t : ts)
    t.join();
}

void map_per_iteration() {
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    std::map<int, int> m;
    ts.emplace_back([&m] { m[1] = 1; });
    ts.back().join();
  }
}

void by_value() {
  std::map<int, int> m;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([m, i]() mutable { m[i] = i; });
  for (auto &t : ts)
    t.join();
}

thread_local std::map<int, int> mine;

void per_thread_maps() {
  std::vector<std::map<int, int>> maps(4);
  std::array<std::map<int, int>, 4> arr;
  std::map<int, int> carr[4];
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&maps, i] { maps[i][i] = i; });
    ts.emplace_back([&arr, i] { arr[i][i] = i; });
    ts.emplace_back([&carr, i] { carr[i][i] = i; });
    ts.emplace_back([i] {
      std::map<int, int> local;
      local[i] = i;
    });
    ts.emplace_back([i] { mine[i] = i; });
  }
  for (auto &t : ts)
    t.join();
}

void taken_in_iteration() {
  std::vector<std::map<int, int>> maps(4);
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    std::map<int, int> *p = &maps[i];
    std::map<int, int> &r = maps[i];
    ts.emplace_back([p, i] { (*p)[i] = i; });
    ts.emplace_back([&r, i] { r[i] = i; });
  }
  for (auto &t : ts)
    t.join();
}

std::atomic<bool> first{true};

void one_writer() {
  std::map<int, int> m;
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&m, i] {
      if (i == 0)
        m[i] = i;
    });
    ts.emplace_back([&m, i] {
      if (first.exchange(false, std::memory_order_relaxed))
        m[i] = i;
    });
  }
  for (auto &t : ts)
    t.join();
}

void called_not_spawned() {
  std::map<int, int> m;
  auto f = [&m] { m[1] = 1; };
  for (int i = 0; i < 4; ++i)
    f();
}

void once() {
  std::once_flag flag;
  std::map<int, int> m;
  for (int i = 0; i < 4; ++i)
    std::call_once(flag, [&m] { m[1] = 1; });
}
