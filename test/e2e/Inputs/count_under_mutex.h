// count_under_mutex.h: four threads write one map (counts) under one
// std::mutex: operator[], emplace, erase and insert, 2000 times each, then
// main prints "104 keys, 8000 counted". A clean test includes it after
// defining Counts as its map type (any map from int to int).
#ifndef MAPGUARD_E2E_COUNT_UNDER_MUTEX_H
#define MAPGUARD_E2E_COUNT_UNDER_MUTEX_H

#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

Counts counts;
std::mutex counts_mutex;

void count(int id) {
  for (int i = 0; i < 2000; ++i) {
    std::lock_guard<std::mutex> lock(counts_mutex);
    counts[i % 100] += 1;
    counts.emplace(1000 + id, id);
    if (i % 10 == 0)
      counts.erase(-1);
    else if (i % 10 == 5)
      counts.insert({-1, 0});
  }
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id)
    threads.emplace_back(count, id);
  for (std::thread &t : threads)
    t.join();
  counts.erase(-1);
  int total = 0;
  for (int i = 0; i < 100; ++i)
    total += counts[i];
  std::printf("%zu keys, %d counted\n", counts.size(), total);
}

#endif // MAPGUARD_E2E_COUNT_UNDER_MUTEX_H
