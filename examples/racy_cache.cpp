// Two workers fill and trim one std::map with no lock: writes race.
//
//   build/bin/mapguard-clang++ -O1 -g -pthread examples/racy_cache.cpp -o cache
#include <cstdio>
#include <map>
#include <thread>

int main() {
  std::map<int, int> cache;
  auto worker = [&cache](int base) {
    for (int i = 0; i < 500; ++i) {
      cache[base + i] = i;        // the unsynchronised write
      if (i % 3 == 0)
        cache.erase(base + i - 1);
    }
  };
  std::thread a(worker, 0), b(worker, 100000);
  a.join();
  b.join();
  std::printf("%zu entries\n", cache.size());
}
