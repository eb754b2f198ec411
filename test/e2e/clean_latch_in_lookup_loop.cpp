// A loop of lookups that waits on a std::latch in every round: a producer
// thread fills the map and then counts the latch down, and every lookup
// comes after the wait. In libstdc++ the blocking part of latch::wait is
// std::__detail's atomic-wait code, which must count as synchronising, so
// the loop is not checked as one read window (issue 20: it was, and this
// program was reported as "concurrent map read and map write" in every
// run: the producer's writes fell between the loop's entry and its end).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -std=c++20 -pthread %s -o %t -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=NOWINDOW --input-file %t.remarks \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
//
// NOWINDOW-NOT: checked lookups

#include <cstdio>
#include <latch>
#include <map>
#include <thread>

std::map<int, int> results;
std::latch ready(1);

int main() {
  std::thread producer([] {
    // Nothing synchronises between these writes: one window is right.
    // REMARK: clean_latch_in_lookup_loop.cpp:[[#@LINE+2]]:{{[0-9]+}}: remark: guarded write: std::map<int, int>::operator[] (the map is a global variable; one check for each run of the loop at line [[#@LINE+1]])
    for (int k = 0; k < 8; ++k)
      results[k] = k * k;
    ready.count_down();
  });
  long sum = 0;
  for (int k = 0; k < 8; ++k) {
    ready.wait();
    sum += results.at(k);
  }
  producer.join();
  // CHECK: 140
  std::printf("%ld\n", sum);
}
