// Go's "concurrent map writes" example, in C++.
//
// Ten threads write one std::unordered_map with no lock. In Go the runtime
// stops such a program with "fatal error: concurrent map writes"; a C++
// program just corrupts the map, and may crash, hang or print a wrong size
// much later. Built with MapGuard, it stops at the first overlapping write:
//
//   build/bin/mapguard-clang++ -O1 -g -pthread examples/seed.cpp -o seed
//   ./seed
#include <cstdio>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

int main() {
  std::unordered_map<std::string, int> m;
  std::vector<std::thread> threads;
  for (int id = 0; id < 10; ++id) {
    threads.emplace_back([&m, id] {
      for (int j = 0; j < 100; ++j)
        m[std::string(1, 'a' + id)] = j; // the unsynchronised write
    });
  }
  for (std::thread &t : threads)
    t.join();
  std::printf("%zu keys\n", m.size());
}
