// A translation unit for the inventory tests: one guarded write, two
// elided, one opted out.
#include <map>
#include <mapguard/mapguard.h>
#include <set>

std::set<int> seen;

MAPGUARD_NO_INSTRUMENT void trusted(int x) { seen.insert(x); }

int main(int argc, char **) {
  std::map<int, int> counts;
  counts[argc] = 1;
  counts.erase(0);
  seen.insert(argc);
  return 0;
}
