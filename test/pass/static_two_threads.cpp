// Two different thread bodies writing one map (insert vs erase, clear vs
// emplace, a member map through an object captured by reference), and a
// thread whose spawner writes the map before joining: each write warns, at
// -O0 and -O2. Their twins stay silent: a join between the two spawns, the
// spawner's write after the join or before the spawn, one spawn only, one
// of two spawns (if/else), a spawner write on a conditional path.
//
// DEFINE: %{cc} = %clangxx -std=c++20 -fpass-plugin=%plugin -fplugin=%plugin -pthread -gline-tables-only -fno-caret-diagnostics -c -o /dev/null %s
// RUN: %{cc} -O0 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %{cc} -O2 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O0 2>&1 | FileCheck %s --implicit-check-not=warning: %}
// RUN: %if libcxx %{ %{cc} -stdlib=libc++ -O2 2>&1 | FileCheck %s --implicit-check-not=warning: %}
#include <map>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

std::map<int, int> ages;

void insert_vs_erase() {
  // CHECK: static_two_threads.cpp:[[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'ages' is written by the threads started at static_two_threads.cpp:[[#@LINE+1]]:{{[0-9]+}} and static_two_threads.cpp:[[#@LINE+3]]:{{[0-9]+}} with no lock held (insert)
  std::thread a([] { ages.insert({3, 30}); });
  // CHECK: static_two_threads.cpp:[[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'ages' is written by the threads started at static_two_threads.cpp:[[#@LINE+1]]:{{[0-9]+}} and static_two_threads.cpp:[[#@LINE-1]]:{{[0-9]+}} with no lock held (erase)
  std::thread b([] { ages.erase(5); });
  a.join();
  b.join();
}

void clear_vs_emplace() {
  std::set<std::string> names;
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::set<std::string> is written by the threads started at {{.*}} with no lock held (clear)
  std::thread a([&names] { names.clear(); });
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::set<std::string> is written by the threads started at {{.*}} with no lock held (emplace)
  std::thread b([&names] { names.emplace("x"); });
  a.join();
  b.join();
}

struct Registry {
  int version = 0;
  std::unordered_map<int, std::string> byId;
};

void member_of_captured_object() {
  Registry r;
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::unordered_map<int, std::string> is written by {{.*}} (operator[])
  std::thread a([&r] { r.byId[1] = "one"; });
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::unordered_map<int, std::string> is written by {{.*}} (erase)
  std::thread b([&r] { r.byId.erase(2); });
  a.join();
  b.join();
}

void spawner_writes_before_join() {
  std::map<int, int> m;
  // CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> is written by the thread started at static_two_threads.cpp:[[#@LINE+1]]:{{[0-9]+}} while its spawner writes it at static_two_threads.cpp:[[#@LINE+2]]:{{[0-9]+}} with no lock held (operator[])
  std::thread t([&m] { m[1] = 1; });
  m[2] = 2;
  t.join();
}

// Silent twins.

void join_between_spawns() {
  std::thread a([] { ages.insert({3, 30}); });
  a.join();
  std::thread b([] { ages.erase(5); });
  b.join();
}

void different_maps() {
  std::map<int, int> one, two;
  std::thread a([&one] { one.clear(); });
  std::thread b([&two] { two.clear(); });
  a.join();
  b.join();
}

void different_members() {
  struct Pair {
    std::map<int, int> left, right;
  } p;
  std::thread a([&p] { p.left[1] = 1; });
  std::thread b([&p] { p.right[1] = 1; });
  a.join();
  b.join();
}

void spawner_writes_after_join() {
  std::map<int, int> m;
  std::thread t([&m] { m[1] = 1; });
  t.join();
  m[2] = 2;
}

void spawner_writes_before_spawn() {
  std::map<int, int> m;
  m[2] = 2;
  std::thread t([&m] { m[1] = 1; });
  t.join();
}

void spawner_writes_on_a_condition(bool again) {
  std::map<int, int> m;
  std::thread t([&m] { m[1] = 1; });
  if (again)
    t.join();
  m[2] = 2;
  if (!again)
    t.join();
}

void one_spawn() {
  std::map<int, int> m;
  std::thread t([&m] { m[1] = 1; });
  t.join();
}

void one_of_two(bool x) {
  std::map<int, int> m;
  std::thread t;
  if (x)
    t = std::thread([&m] { m[1] = 1; });
  else
    t = std::thread([&m] { m[2] = 2; });
  t.join();
}

void called_not_spawned() {
  std::map<int, int> m;
  auto f = [&m] { m[1] = 1; };
  f();
  f();
}

// A function as the thread's callable is its body; a function passed to it
// as an argument is not (run_with may never call it).
// CHECK: [[#@LINE+1]]:{{[0-9]+}}: warning: unsynchronized map write: std::map<int, int> 'ages' is written by the threads started at static_two_threads.cpp:[[#@LINE+7]]:{{[0-9]+}} and static_two_threads.cpp:[[#@LINE+8]]:{{[0-9]+}} with no lock held (operator[])
void worker() { ages[2] = 2; }

void on_done() { ages[1] = 1; }
void run_with(void (*callback)()) { (void)callback; }

void function_bodies() {
  std::thread a(worker);
  std::thread b(worker);
  std::thread c(run_with, on_done);
  std::thread d(run_with, on_done);
  a.join();
  b.join();
  c.join();
  d.join();
}
