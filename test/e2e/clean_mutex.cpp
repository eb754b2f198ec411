// Writes from four threads serialised by one std::mutex are never reported.
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

#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

std::unordered_map<std::string, int> counts;
std::mutex counts_mutex;

void count_words(int id) {
  for (int i = 0; i < 2000; ++i) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts[std::to_string(i % 100)] += 1;
    counts.emplace("thread" + std::to_string(id), id);
    if (i % 10 == 0)
      counts.erase("gone");
    else if (i % 10 == 5)
      counts.insert({"gone", 0});
  }
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id)
    threads.emplace_back(count_words, id);
  for (std::thread &t : threads)
    t.join();
  counts.erase("gone");
  int total = 0;
  for (int i = 0; i < 100; ++i)
    total += counts[std::to_string(i)];
  // CHECK: 104 keys, 8000 counted
  std::printf("%zu keys, %d counted\n", counts.size(), total);
}
