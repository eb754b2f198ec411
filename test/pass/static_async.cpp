// std::async with std::launch::async (or the default policy, which starts
// a thread) runs its callable on another thread: two of them writing one map
// warn. std::launch::deferred runs it in the caller's get(): silent, as are
// futures waited for before the next launch.
//
// DEFINE: %{cc} = %clangxx -std=c++20 -fpass-plugin=%plugin -fplugin=%plugin -pthread -gline-tables-only -fno-caret-diagnostics -c -o /dev/null %s
// RUN: %{cc} -O0 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O2 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O0 2>&1 | FileCheck %s --implicit-check-not=warning: %}
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O2 2>&1 | FileCheck %s --implicit-check-not=warning: %}
#include <future>
#include <map>
#include <vector>

void launch_async() {
  std::map<int, int> m;
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at static_async.cpp:[[#@LINE+1]]:{{[0-9]+}} and static_async.cpp:[[#@LINE+3]]:{{[0-9]+}} with no lock held (operator[])
  auto a = std::async(std::launch::async, [&m] { m[1] = 1; });
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the threads started at static_async.cpp:[[#@LINE+1]]:{{[0-9]+}} and static_async.cpp:[[#@LINE-1]]:{{[0-9]+}} with no lock held (erase)
  auto b = std::async(std::launch::async, [&m] { m.erase(2); });
  a.get();
  b.get();
}

void default_policy() {
  std::map<int, int> m;
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by {{.*}} (operator[])
  auto a = std::async([&m] { m[1] = 1; });
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by {{.*}} (operator[])
  auto b = std::async([&m] { m[2] = 2; });
  a.get();
  b.get();
}

// Silent twins.

void deferred() {
  std::map<int, int> m;
  auto a = std::async(std::launch::deferred, [&m] { m[1] = 1; });
  auto b = std::async(std::launch::deferred, [&m] { m.erase(2); });
  a.get();
  b.get();
}

void waited_for() {
  std::map<int, int> m;
  auto a = std::async(std::launch::async, [&m] { m[1] = 1; });
  a.wait();
  auto b = std::async(std::launch::async, [&m] { m.erase(2); });
  b.get();
}

void temporaries_in_a_loop() {
  std::map<int, int> m;
  // Each temporary future's destructor waits for its task.
  for (int i = 0; i < 4; ++i)
    (void)std::async(std::launch::async, [&m, i] { m[i] = i; });
}
