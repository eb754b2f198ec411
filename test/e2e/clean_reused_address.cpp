// A map built, written and destroyed by one thread, then a new map built at
// the very same address and written by another thread (after a join, then
// after an atomic hand-off while the first thread is still alive): never
// reported.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include <atomic>
#include <chrono>
#include <cstdio>
#include <new>
#include <thread>
#include <unordered_map>

using Map = std::unordered_map<int, int>;
alignas(Map) unsigned char storage[sizeof(Map)];
std::atomic<bool> destroyed{false};

void build_write_destroy(int first) {
  Map *m = new (storage) Map;
  for (int i = first; i < first + 100; ++i)
    (*m)[i] = i;
  m->~Map();
}

int main() {
  std::thread first(build_write_destroy, 0);
  first.join();
  std::thread second(build_write_destroy, 100);
  second.join();

  std::thread third([] {
    build_write_destroy(200);
    destroyed.store(true, std::memory_order_release);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  });
  while (!destroyed.load(std::memory_order_acquire))
    std::this_thread::yield();
  Map *m = new (storage) Map;
  (*m)[1] = 1;
  m->clear();
  (*m)[2] = 2;
  third.join();
  // CHECK: reused: 1 entry at the same address
  std::printf("reused: %zu entry at the %s address\n", m->size(),
              static_cast<void *>(m) == storage ? "same" : "other");
  m->~Map();
}
