// A write whose hash throws, in a function with no cleanups of its own
// (put), ends its MapGuard write on the way out: later writes from other
// threads, serialised by a mutex, are never reported.
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
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

struct PickyHash {
  std::size_t operator()(int key) const {
    if (key < 0)
      throw std::invalid_argument("negative key");
    return std::hash<int>{}(key);
  }
};
using Map = std::unordered_map<int, int, PickyHash>;

Map table;
std::mutex table_mutex;
int rejected = 0;

__attribute__((noinline)) void put(Map &m, const int &k) { m[k] = 1; }

void writer(int id) {
  for (int i = 0; i < 500; ++i) {
    std::lock_guard<std::mutex> lock(table_mutex);
    try {
      put(table, i % 50 == 0 ? -1 : id * 1000 + i);
    } catch (const std::invalid_argument &) {
      ++rejected;
    }
  }
}

int main() {
  try {
    put(table, -1);
  } catch (const std::invalid_argument &) {
    ++rejected;
  }
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id)
    threads.emplace_back(writer, id);
  for (std::thread &t : threads)
    t.join();
  // CHECK: 1960 entries, 41 rejected
  std::printf("%zu entries, %d rejected\n", table.size(), rejected);
}
