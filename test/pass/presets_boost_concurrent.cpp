// boost::concurrent_flat_map (Boost 1.83 and later) locks inside: two
// threads may write it at once, so no preset guards or checks it. (Debian
// 12's Boost 1.74 has no concurrent_flat_map: this test is unsupported
// there.)
// REQUIRES: boost-concurrent-flat-map
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -S -emit-llvm -o %t.ll %s 2>&1 \
// RUN:   | count 0
// RUN: FileCheck %s --input-file=%t.ll
#include <boost/unordered/concurrent_flat_map.hpp>

boost::concurrent_flat_map<int, int> shared;

int use(int k) {
  shared.insert({k, 1});
  shared.emplace(k + 1, 2);
  shared.erase(k);
  shared.visit(k, [](auto &kv) { ++kv.second; });
  int n = shared.count(k);
  shared.clear();
  return n;
}

// CHECK-NOT: @__mapguard_
