// Two threads taking turns, handing the map over with a condition variable,
// write it outside the lock: the writes never overlap and are never reported.
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

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

std::unordered_map<int, int> board;
std::mutex turn_mutex;
std::condition_variable turn_changed;
int turn = 0;

void player(int me) {
  for (int round = 0; round < 300; ++round) {
    {
      std::unique_lock<std::mutex> lock(turn_mutex);
      turn_changed.wait(lock, [me] { return turn == me; });
    }
    board[round * 2 + me] = me; // the lock is not held here
    if (round % 5 == 0)
      board.erase(round * 2 + me);
    {
      std::lock_guard<std::mutex> lock(turn_mutex);
      turn = 1 - me;
    }
    turn_changed.notify_all();
  }
}

int main() {
  std::thread a(player, 0), b(player, 1);
  a.join();
  b.join();
  // CHECK: 480 entries
  std::printf("%zu entries\n", board.size());
}
