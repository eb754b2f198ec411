// A translation unit for the inventory tests: three guarded writes, one
// elided.
#include <map>
#include <string>
#include <unordered_map>

namespace net {
std::unordered_map<std::string, int> connections;
std::map<int, std::string> peers;

void open(const std::string &host, int id) {
  connections[host] += 1;
  peers.emplace(id, host);
}

void close(int id) { peers.erase(id); }

int scratch(int n) {
  std::map<int, int> local;
  local[n] = n;
  return local.size();
}
} // namespace net
