// A loop that writes a shared map and erases a std::jthread from a local
// std::map in every round: the erase runs ~jthread (request_stop, then
// join), which lets that thread write the shared map and waits for it. The
// loop synchronises inside another container's operation, so it must not be
// guarded as one window (issue 20: it was, and this program was reported as
// "concurrent map writes" in every run). The remarks show the write guarded
// on its own.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -std=c++20 -pthread %s -o %t -Rpass=mapguard 2> %t.remarks \
// DEFINE:   && FileCheck %s --check-prefix=REMARK --input-file %t.remarks \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// libc++ 19 has std::jthread under -fexperimental-library.
// REDEFINE: %{flags} = -O0 -stdlib=libc++ -fexperimental-library
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++ -fexperimental-library
// RUN: %if libcxx %{ %{check} %}

#include <cstdio>
#include <map>
#include <thread>

std::map<int, int> results;

int main() {
  std::map<int, std::jthread> workers;
  for (int i = 0; i < 4; ++i)
    workers.emplace(i, std::jthread([i](std::stop_token stop) {
                      while (!stop.stop_requested())
                        std::this_thread::yield();
                      results[100 + i] = i;
                    }));
  for (int i = 0; i < 4; ++i) {
    // REMARK: clean_jthread_erase_in_write_loop.cpp:[[#@LINE+1]]:{{[0-9]+}}: remark: guarded write: std::map<int, int>::operator[] (the map is a global variable) [-Rpass=mapguard]
    results[i] = i;
    workers.erase(i); // request_stop, then join: thread i writes meanwhile
  }
  // CHECK: 8 results
  std::printf("%zu results\n", results.size());
}
