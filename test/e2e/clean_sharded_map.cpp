// A sharded map (eight shards, each an unordered_map with its own mutex),
// written by four threads at once, is never reported: writes to different
// shards overlap in time but touch different maps.
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
#include <thread>
#include <unordered_map>
#include <vector>

struct Shard {
  std::mutex mutex;
  std::unordered_map<int, int> map;
};
Shard shards[8];

void fill(int id) {
  for (int i = 0; i < 5000; ++i) {
    int key = id * 5000 + i;
    Shard &shard = shards[key % 8];
    std::lock_guard<std::mutex> lock(shard.mutex);
    shard.map[key] = i;
    if (i % 2)
      shard.map.erase(key);
  }
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id)
    threads.emplace_back(fill, id);
  for (std::thread &t : threads)
    t.join();
  std::size_t total = 0;
  for (Shard &shard : shards)
    total += shard.map.size();
  // CHECK: 10000 entries
  std::printf("%zu entries\n", total);
}
