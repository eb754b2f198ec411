// A map handed from thread to thread by join() (each thread starts after the
// previous one finished) is never reported.
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

std::multimap<int, int> log_;

void append(int id) {
  for (int i = 0; i < 500; ++i)
    log_.emplace(i % 50, id);
  log_.erase(id);
}

int main() {
  for (int id = 0; id < 8; ++id) {
    std::thread t(append, id);
    t.join();
  }
  log_.insert({-1, -1});
  // CHECK: 3641 entries
  std::printf("%zu entries\n", log_.size());
}
