// A program with a guarded write that prints "3 entries", for the wrapper's
// link and mode tests.
#include <cstdio>
#include <map>

std::map<int, int> shared;

__attribute__((noinline)) void put(int k) { shared[k] = k; }

int main() {
  put(1);
  put(2);
  put(3);
  std::printf("%zu entries\n", shared.size());
}
