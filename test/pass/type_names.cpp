// Reports name a map's type with every default template argument dropped,
// at every depth: the map's own, its keys' and values' (vector, deque,
// list, forward_list, unique_ptr, queue, stack, priority_queue, and the
// containers of the presets), behind pointers and references too, and in
// the enclosing function's signature. libstdc++ and libc++.
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-analysis=mapguard -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O0 -fpass-plugin=%plugin -fplugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-analysis=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s %}
#include <deque>
#include <forward_list>
#include <list>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <stack>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct Widget {};
struct ByLength {
  bool operator()(const std::string &a, const std::string &b) const {
    return a.size() < b.size();
  }
};

std::map<int, std::unique_ptr<Widget>> owners;
std::unordered_map<std::string, std::vector<int>> lists;
std::map<std::vector<std::string>, std::list<int>> by_path;
std::set<std::pair<std::vector<int>, std::deque<int>>> pairs;
std::map<int, std::queue<int>> queues;
std::unordered_map<int, std::stack<std::string>> stacks;
std::map<int, std::priority_queue<int>> heaps;
std::map<int, std::vector<int> *> pointers;
std::unordered_set<std::forward_list<int> *> lists_seen;
std::map<std::string, std::map<int, std::vector<Widget>>, ByLength> nested;

void write_all(std::vector<int> &v) {
  // CHECK: remark: guarded write: std::map<int, std::unique_ptr<Widget>>::operator[]
  owners[1] = nullptr;
  // CHECK: remark: guarded write: std::unordered_map<std::string, std::vector<int>>::operator[]
  lists["a"] = v;
  // CHECK: remark: guarded write: std::map<std::vector<std::string>, std::list<int>>::operator[]
  by_path[{}] = {};
  // CHECK: remark: guarded write: std::set<std::pair<std::vector<int>, std::deque<int>>>::insert
  pairs.insert({});
  // CHECK: remark: guarded write: std::map<int, std::queue<int>>::operator[]
  queues[1].push(1);
  // CHECK: remark: guarded write: std::unordered_map<int, std::stack<std::string>>::operator[]
  stacks[1].push("x");
  // CHECK: remark: guarded write: std::map<int, std::priority_queue<int>>::operator[]
  heaps[1].push(1);
  // CHECK: remark: guarded write: std::map<int, std::vector<int>*>::operator[]
  pointers[1] = &v;
  // CHECK: remark: guarded write: std::unordered_set<std::forward_list<int>*>::insert
  lists_seen.insert(nullptr);
  // CHECK: remark: guarded write: std::map<std::string, std::map<int, std::vector<Widget>>, ByLength>::operator[]
  nested["k"][1] = {};
  // CHECK: remark: guarded write: std::map<int, std::vector<Widget>>::operator[]
}

// The function's own name, in a report's "in ..." part.
// CHECK: remark: map writes in write_all(std::vector<int>&): 11 guarded, 0 elided
