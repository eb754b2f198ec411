// max_load_factor(float) rehashes: a guarded write; max_load_factor() only
// reads. A write called through a member-function or function pointer is
// not seen as a call: where its address is taken, a remark says that calls
// through the pointer are not checked (once per function).
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not="guarded write"
// RUN: %clangxx -std=c++17 -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not="guarded write"
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -c -o /dev/null %s 2>&1 | FileCheck %s --implicit-check-not="guarded write" %}
#include <set>
#include <unordered_map>

std::unordered_map<int, int> table;
std::set<int> names;

float tune() {
  // CHECK-DAG: write_through_pointer_and_rehash.cpp:[[#@LINE+1]]:{{.*}} remark: guarded write: std::unordered_map<int, int>::max_load_factor (the map is a global variable)
  table.max_load_factor(2.0f);
  return table.max_load_factor();
}

void clearThroughPointer() {
  // CHECK-DAG: write_through_pointer_and_rehash.cpp:[[#@LINE+1]]:{{.*}} remark: unguarded write: std::set<int>::clear (its address is taken here: calls through a function or member-function pointer are not checked)
  (names.*&std::set<int>::clear)();
  (names.*&std::set<int>::clear)();
}
