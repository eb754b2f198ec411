// Readers never meet readers: many threads looking up and iterating one map
// at once, with writes only under an exclusive lock of a shared_mutex whose
// readers hold it shared, run silently.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread %s -o %t && for i in 1 2 3; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
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
#include <shared_mutex>
#include <thread>
#include <vector>

// CHECK: readers done: 8 threads

int main() {
  std::map<int, long> m;
  for (int k = 0; k < 256; ++k)
    m[k] = k;
  std::shared_mutex lock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      long sum = 0;
      for (int i = 0; i < 20000; ++i) {
        if (t == 0 && i % 64 == 0) {
          std::unique_lock<std::shared_mutex> w(lock);
          m[1000 + i] = i;
          m.erase(1000 + i);
          continue;
        }
        std::shared_lock<std::shared_mutex> r(lock);
        auto it = m.find(i % 256);
        sum += it == m.end() ? 0 : it->second;
        sum += (long)m.count(7);
        if (i % 512 == 0)
          for (const auto &kv : m)
            sum += kv.second;
      }
      if (sum < 0)
        std::printf("impossible\n");
    });
  for (std::thread &t : threads)
    t.join();
  std::printf("readers done: %zu threads\n", threads.size());
}
