// A write whose key constructor throws (std::map<Name, int>::operator[]
// copying the key into a node), in a function with no cleanups of its own,
// ends its MapGuard write on the way out: later writes from other threads,
// serialised by a mutex, are never reported.
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
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Name {
  std::string text;
  explicit Name(std::string t) : text(std::move(t)) {}
  Name(const Name &other) : text(other.text) {
    if (text.empty())
      throw std::invalid_argument("empty name");
  }
  bool operator<(const Name &other) const { return text < other.text; }
};
using Map = std::map<Name, int>;

Map registry;
std::mutex registry_mutex;
int rejected = 0;

__attribute__((noinline)) void put(Map &m, const Name &k) { m[k] = 1; }

void writer(int id) {
  for (int i = 0; i < 300; ++i) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    try {
      put(registry, Name(i % 30 == 0 ? "" : std::to_string(id * 1000 + i)));
    } catch (const std::invalid_argument &) {
      ++rejected;
    }
  }
}

int main() {
  try {
    put(registry, Name(""));
  } catch (const std::invalid_argument &) {
    ++rejected;
  }
  std::vector<std::thread> threads;
  for (int id = 0; id < 4; ++id)
    threads.emplace_back(writer, id);
  for (std::thread &t : threads)
    t.join();
  // CHECK: 1160 entries, 41 rejected
  std::printf("%zu entries, %d rejected\n", registry.size(), rejected);
}
