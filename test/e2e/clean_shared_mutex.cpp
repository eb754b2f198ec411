// Writers holding a std::shared_mutex exclusively (readers share it) are
// never reported.
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
#include <shared_mutex>
#include <thread>
#include <vector>

std::map<int, int> index_;
std::shared_mutex index_mutex;

void writer(int id) {
  for (int i = 0; i < 1000; ++i) {
    std::unique_lock<std::shared_mutex> lock(index_mutex);
    index_[id * 1000 + i] = i;
    if (i % 3 == 0)
      index_.erase(id * 1000 + i);
  }
}

void reader() {
  long found = 0;
  for (int i = 0; i < 2000; ++i) {
    std::shared_lock<std::shared_mutex> lock(index_mutex);
    found += index_.count(i);
  }
  (void)found;
}

int main() {
  std::vector<std::thread> threads;
  for (int id = 0; id < 2; ++id) {
    threads.emplace_back(writer, id);
    threads.emplace_back(reader);
  }
  for (std::thread &t : threads)
    t.join();
  // CHECK: 1332 entries
  std::printf("%zu entries\n", index_.size());
}
