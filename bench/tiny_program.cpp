// A tiny program that writes maps, for MapGuard's fixed memory cost.
//
// scripts/bench.sh builds it plain and with MapGuard, and compares the
// maximum resident set size: whatever the runtime adds (its tables in .bss,
// the pages the hooks touch, the thread registry) shows as the difference.
// The work is small on purpose, so that the maps' own memory does not hide
// the runtime's.
#include <cstdio>
#include <map>
#include <thread>
#include <unordered_map>

static unsigned fill(int Base) {
  std::unordered_map<int, int> Hashed;
  std::map<int, int> Ordered;
  for (int I = 0; I < 1000; ++I) {
    Hashed[Base + I] = I;
    Ordered.emplace(Base + I, I);
  }
  for (int I = 0; I < 1000; I += 2) {
    Hashed.erase(Base + I);
    Ordered.erase(Base + I);
  }
  return unsigned(Hashed.size() + Ordered.size());
}

int main() {
  unsigned Other = 0;
  std::thread T([&Other] { Other = fill(1000000); });
  unsigned Mine = fill(0);
  T.join();
  if (Mine != 1000 || Other != 1000) {
    std::fprintf(stderr, "tiny_program: wrong sizes %u %u\n", Mine, Other);
    return 1;
  }
  return 0;
}
