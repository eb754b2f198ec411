// A loop keeps one window per run only when none of its calls can
// synchronise, calls into containers included: an erase from another
// container runs its elements' destructors (~jthread stops and joins,
// ~unique_lock unlocks, ~future waits), an insert their constructors, and
// std::latch::wait or std::atomic::wait inside a loop of lookups waits. Those
// loops keep a check per write or lookup (no "for each run" remark); loops
// whose other containers hold only ints and strings, or elements with
// trivial destructors, keep their windows.
// RUN: %clangxx -std=c++20 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: %clangxx -std=c++20 -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s
// RUN: %if libcxx %{ %clangxx -std=c++20 -stdlib=libc++ -fexperimental-library -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s %}

#include <atomic>
#include <future>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

std::map<int, int> results;
std::mutex mu;

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
void eraseJthreads(int n) {
  std::map<int, std::jthread> workers;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    workers.erase(i);
  }
}

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
void dropLocks(int n) {
  std::map<int, std::unique_lock<std::mutex>> locks;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    locks.erase(i);
  }
}

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
void waitFutures(int n) {
  std::map<int, std::future<void>> pending;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    pending.erase(i);
  }
}

struct Unlocker {
  ~Unlocker() { mu.unlock(); }
};

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
void userDestructorUnlocks(int n) {
  std::unordered_map<int, Unlocker> guards;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    guards.erase(i);
  }
}

struct Locker {
  Locker() { mu.lock(); }
};

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
void userConstructorLocks(int n) {
  std::map<int, Locker> held;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    held[i];
  }
}

// The window's own map: an element whose destructor unlocks.
std::map<int, Unlocker> own;
// CHECK: sync_in_container_calls.cpp:[[#@LINE+3]]:{{.*}}guarded write: std::map<int, Unlocker>::erase (the map is a global variable) [-Rpass=mapguard]
void ownElementsUnlock(int n) {
  for (int i = 0; i < n; ++i)
    own.erase(i);
}

std::latch ready(1);
// CHECK-NOT: checked lookups: std::map<int, int>::at
long lookupAfterLatch(int n) {
  long sum = 0;
  for (int k = 0; k < n; ++k) {
    ready.wait();
    sum += results.at(k);
  }
  return sum;
}

std::atomic<int> turn;
long lookupAfterAtomicWait(int n) {
  long sum = 0;
  for (int k = 0; k < n; ++k) {
    turn.wait(0, std::memory_order_acquire);
    sum += results.count(k);
  }
  return sum;
}

struct Plain {
  int X = 0;
  ~Plain() { X = 1; }
};

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE+3]]) [-Rpass=mapguard]
void plainElements(int n) {
  std::map<int, Plain> plain;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    plain.erase(i);
  }
}

// CHECK: sync_in_container_calls.cpp:[[#@LINE+4]]:{{.*}}guarded write: std::map<int, int>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE+3]]) [-Rpass=mapguard]
void stringSet(int n, const std::string &name) {
  std::set<std::string> names;
  for (int i = 0; i < n; ++i) {
    results[i] = i;
    names.erase(name);
  }
}
// CHECK-NOT: for each run of the loop
