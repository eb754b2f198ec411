// A write nested in another write to the same map on the same thread
// (m.swap(m), m = m, and two-map writes such as a.swap(b)) is not a race:
// never reported, and it leaves nothing behind that a later write from
// another thread could trip over.
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
#include <thread>
#include <unordered_map>

std::unordered_map<int, int> hashed = {{1, 1}};
std::map<int, int> sorted = {{1, 1}};
std::map<int, int> other = {{2, 2}};

void self_writes() {
  hashed.swap(hashed);
  hashed = hashed;
  sorted.swap(sorted);
  sorted = sorted;
  sorted.swap(other);
  other.swap(sorted);
  sorted = other;
  other = std::move(sorted);
}

void later_writes() {
  hashed[2] = 2;
  sorted[3] = 3;
  other[4] = 4;
}

int main() {
  std::thread first(self_writes);
  first.join();
  std::thread second(later_writes);
  second.join();
  // CHECK: 2 1 2
  std::printf("%zu %zu %zu\n", hashed.size(), sorted.size(), other.size());
}
