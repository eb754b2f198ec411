// A library function that writes a shared map: racy_stacks.cpp calls it
// from two places, and only the stacks tell the callers apart.
#include "overlap.h"
#include <map>

std::map<int, int, GateLess> registry = {{5, 5}};

void record(int key) {
  registry.insert({key, key}); // the library's write
}
