// A loop's window opens at its first write, not where the loop starts: a
// thread that runs the loop with nothing to write never touches the map, and
// is never reported while another thread writes it. And a window closed by
// an exception from inside the loop is closed for good: other threads then
// write the map under a mutex without a report.
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

#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

std::unordered_map<int, int> counts;

// REMARK: clean_loop_without_writes.cpp:[[#@LINE+3]]:{{[0-9]+}}: remark: guarded write: {{.*}}operator[] ({{.*}}; one check for each run of the loop at line [[#@LINE+2]])
__attribute__((noinline)) void apply(const std::vector<int> &pending) {
  for (int k : pending)
    counts[k] += 1;
}

struct Picky {
  int v;
  explicit Picky(int v) : v(v) {
    if (v < 0)
      throw std::invalid_argument("negative");
  }
};
std::map<int, Picky> table;
std::mutex table_mutex;

// REMARK: clean_loop_without_writes.cpp:[[#@LINE+3]]:{{[0-9]+}}: remark: guarded write: {{.*}}emplace ({{.*}}; one check for each run of the loop at line [[#@LINE+2]])
__attribute__((noinline)) void load(const std::vector<int> &values) {
  for (int v : values)
    table.emplace(v, v);
}

int main() {
  // One thread runs the loop with nothing to write, as often as it can,
  // while the other writes the map all the time.
  std::vector<int> none;
  std::thread idle([&] {
    for (int i = 0; i < 200000; ++i)
      apply(none);
  });
  std::thread busy([] {
    for (int i = 0; i < 200000; ++i)
      counts[i % 64] += 1;
  });
  idle.join();
  busy.join();
  apply({1, 2, 3});

  // The third value throws out of the loop.
  try {
    load({1, 2, -3, 4});
  } catch (const std::invalid_argument &) {
    std::puts("rejected");
  }
  std::vector<std::thread> writers;
  for (int id = 0; id < 4; ++id)
    writers.emplace_back([id] {
      for (int i = 0; i < 1000; ++i) {
        std::lock_guard<std::mutex> lock(table_mutex);
        table.emplace(100 + id * 1000 + i, i);
      }
    });
  for (std::thread &t : writers)
    t.join();
  // CHECK: rejected
  // CHECK-NEXT: 64 counts, 4002 entries
  std::printf("%zu counts, %zu entries\n", counts.size(), table.size());
}
