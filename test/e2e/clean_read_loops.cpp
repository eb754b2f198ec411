// Loops of lookups are checked once per run, at their end (a read window),
// and iterations again where their loop ends (an iteration window):
// correctly synchronised programs are still never reported.
//  - A thread that runs the loop with nothing to look up never reads the
//    map, and is never reported while another thread writes it all the time.
//  - Lookup loops and writes under one mutex, and loops handed over to a
//    writer and back with release/acquire flags, alternate thousands of
//    times: every write ends before the next loop starts, or starts after
//    the loop has ended.
//  - A loop left by an exception (at() of a missing key) is not checked,
//    and the next run starts afresh.
//  - Iterations (range-for, and one left by break) over a std::map and an
//    unordered_map, alternating with writes under a mutex and through
//    release/acquire handoffs.
// The remarks show that the loops are read windows.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=fast
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// Under stress the runtime sleeps inside writes and before lookups, which
// widens every window.
// RUN: env MAPGUARD_OPTIONS=stress=1 %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out

#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

std::unordered_map<int, int> counts;
std::mutex counts_mutex;

// REMARK: clean_read_loops.cpp:[[#@LINE+4]]:{{[0-9]+}}: remark: checked lookups: std::unordered_map<int, int>::count (one check for each run of the loop at line [[#@LINE+3]])
__attribute__((noinline)) long look_up(const std::vector<int> &keys) {
  long hits = 0;
  for (int k : keys)
    hits += counts.count(k);
  return hits;
}

// REMARK: clean_read_loops.cpp:[[#@LINE+4]]:{{[0-9]+}}: remark: checked lookups: std::unordered_map<int, int>::at (one check for each run of the loop at line [[#@LINE+3]])
__attribute__((noinline)) long sum_at(const std::vector<int> &keys) {
  long sum = 0;
  for (int k : keys)
    sum += counts.at(k);
  return sum;
}

std::map<int, int> ordered;

// REMARK: clean_read_loops.cpp:[[#@LINE+3]]:{{[0-9]+}}: remark: checked iteration: std::map<int, int>::begin (checked again where the loop at line [[#@LINE+3]] ends)
__attribute__((noinline)) long total(const std::map<int, int> &m) {
  long sum = 0;
  for (const auto &entry : m)
    sum += entry.second;
  return sum;
}

// REMARK: clean_read_loops.cpp:[[#@LINE+3]]:{{[0-9]+}}: remark: checked iteration: std::unordered_map<int, int>::begin (checked again where the loop at line [[#@LINE+3]] ends)
__attribute__((noinline)) int first_big(int limit) {
  int found = -1;
  for (const auto &entry : counts)
    if (entry.second > limit) {
      found = entry.first;
      break;
    }
  return found;
}

// Runs read(i) and write(i), for i < 2,000, on two threads, each call
// under one mutex.
void under_one_mutex(const std::function<void(int)> &read,
                     const std::function<void(int)> &write) {
  std::thread reader([&] {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard<std::mutex> lock(counts_mutex);
      read(i);
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard<std::mutex> lock(counts_mutex);
      write(i);
    }
  });
  reader.join();
  writer.join();
}

bool read_done, write_done; // release/acquire handoff flags

// Runs read(i), then write(i), for i < 2,000, on two threads that hand
// the map over with release/acquire flags.
void handed_over(const std::function<void(int)> &read,
                 const std::function<void(int)> &write) {
  std::thread reader([&] {
    for (int i = 0; i < 2000; ++i) {
      read(i);
      __atomic_store_n(&read_done, true, __ATOMIC_RELEASE);
      while (!__atomic_load_n(&write_done, __ATOMIC_ACQUIRE)) {
      }
      __atomic_store_n(&write_done, false, __ATOMIC_RELAXED);
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      while (!__atomic_load_n(&read_done, __ATOMIC_ACQUIRE)) {
      }
      __atomic_store_n(&read_done, false, __ATOMIC_RELAXED);
      write(i);
      __atomic_store_n(&write_done, true, __ATOMIC_RELEASE);
    }
  });
  reader.join();
  writer.join();
}

int main() {
  // Nothing to look up, as often as possible, while the map is written.
  std::vector<int> none;
  long idle_hits = 0;
  std::thread idle([&] {
    for (int i = 0; i < 200000; ++i)
      idle_hits += look_up(none);
  });
  std::thread busy([] {
    for (int i = 0; i < 200000; ++i)
      counts[i % 64] += 1;
  });
  idle.join();
  busy.join();

  // Loops and writes under one mutex.
  std::vector<int> keys;
  for (int k = 0; k < 64; ++k)
    keys.push_back(k);
  long locked_hits = 0;
  under_one_mutex([&](int) { locked_hits += look_up(keys); },
                  [](int i) { counts[64 + i % 64] += 1; });

  // A loop hands the map to a writer, which hands it back.
  long handed_hits = 0;
  handed_over([&](int) { handed_hits += look_up(keys); },
              [](int i) { counts[200 + i % 64] += 1; });

  // Iterations and writes under one mutex, and handed over.
  long iterated = 0;
  under_one_mutex(
      [&](int) {
        iterated += total(ordered);
        if (first_big(1 << 30) != -1)
          iterated = -1000000;
      },
      [](int i) {
        ordered[i % 16] += 1;
        counts[300 + i % 16] = i;
      });
  long handed_iterated = 0;
  handed_over([&](int) { handed_iterated += total(ordered); },
              [](int i) { ordered[i % 16] += 1; });
  // Each handed-over run sees the 2,000 locked writes and every handed-over
  // write before it: the sum over i < 2,000 of 2,000 + i. (The locked runs
  // interleave with their writes either way: only the total is fixed.)
  long final_total = total(ordered);

  // The third key is missing: at() throws out of the loop.
  std::vector<int> some = {1, 2, 1000, 3};
  try {
    sum_at(some);
  } catch (const std::out_of_range &) {
    std::puts("missing");
  }
  std::thread other_writer([] { counts[1000] = 7; });
  other_writer.join();
  long sum = sum_at(some);

  // CHECK: missing
  // CHECK-NEXT: 0 idle, 128000 locked, 128000 handed, 9382 at, 209 entries
  std::printf("%ld idle, %ld locked, %ld handed, %ld at, %zu entries\n",
              idle_hits, locked_hits, handed_hits, sum, counts.size());
  // CHECK-NEXT: iterations: 4000 written, handed 5999000, locked ok
  std::printf("iterations: %ld written, handed %ld, locked %s\n", final_total,
              handed_iterated, iterated >= 0 ? "ok" : "wrong");
}
