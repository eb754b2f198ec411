// Two threads taking turns through a release/acquire atomic flag (no lock at
// all) write one map in sequence: never reported.
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

#include <atomic>
#include <cstdio>
#include <thread>
#include <unordered_set>

std::unordered_set<int> seen;
std::atomic<int> turn{0};

void player(int me) {
  for (int round = 0; round < 500; ++round) {
    while (turn.load(std::memory_order_acquire) != me)
      std::this_thread::yield();
    seen.insert(round * 2 + me);
    if (round % 4 == 0)
      seen.erase(round * 2 + me);
    turn.store(1 - me, std::memory_order_release);
  }
}

int main() {
  std::thread a(player, 0), b(player, 1);
  a.join();
  b.join();
  // CHECK: 750 entries
  std::printf("%zu entries\n", seen.size());
}
