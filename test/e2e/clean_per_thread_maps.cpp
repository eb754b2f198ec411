// 32 threads, each writing its own 16 maps at the same time (512 maps being
// written at once, many sharing the runtime's table slots, stack maps at
// equal offsets in every thread's stack): never reported.
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
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

std::atomic<int> ready{0};
std::atomic<long> total{0};

void work() {
  std::map<int, int> on_stack[8];
  std::vector<std::unique_ptr<std::unordered_map<int, int>>> on_heap;
  for (int i = 0; i < 8; ++i)
    on_heap.push_back(std::make_unique<std::unordered_map<int, int>>());
  ready.fetch_add(1);
  while (ready.load() < 32)
    std::this_thread::yield();
  for (int i = 0; i < 4000; ++i) {
    on_stack[i % 8][i] = i;
    (*on_heap[i % 8])[i] = i;
    if (i % 4 == 0) {
      on_stack[i % 8].erase(i);
      on_heap[i % 8]->erase(i);
    }
  }
  long sum = 0;
  for (int i = 0; i < 8; ++i)
    sum += on_stack[i].size() + on_heap[i]->size();
  total += sum;
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 32; ++id)
    threads.emplace_back(work);
  for (std::thread &t : threads)
    t.join();
  // CHECK: 192000 entries
  std::printf("%ld entries\n", total.load());
}
