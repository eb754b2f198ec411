// Read windows on the IR clang hands the pass, before any optimisation: the
// map's pointer is then often loaded inside the loop from a local variable's
// alloca (a reference parameter, `this`), and the window's snapshot at the
// end of the preheader needs it there too. The output must verify, at -O0
// (optnone) and -O2, with libstdc++ and libc++, in both modes.
// RUN: %clangxx -std=c++17 -O2 -g -Xclang -disable-llvm-passes -S -emit-llvm -o %t.O2.ll %s
// RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -pass-remarks=mapguard -S %t.O2.ll -o %t.O2.out.ll 2> %t.O2.remarks
// RUN: FileCheck %s --check-prefix=REMARK --input-file %t.O2.remarks
// RUN: FileCheck %s --input-file %t.O2.out.ll
// RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -mapguard-mode=fast -disable-output %t.O2.ll
// RUN: %clangxx -std=c++17 -O0 -g -Xclang -disable-llvm-passes -S -emit-llvm -o %t.O0.ll %s
// RUN: %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -pass-remarks=mapguard -disable-output %t.O0.ll 2> %t.O0.remarks
// RUN: FileCheck %s --check-prefix=REMARK --input-file %t.O0.remarks
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -g -Xclang -disable-llvm-passes -S -emit-llvm -o %t.libcxx.ll %s %}
// RUN: %if libcxx %{ %opt -load-pass-plugin=%plugin -passes='mapguard,verify' -pass-remarks=mapguard -disable-output %t.libcxx.ll 2> %t.libcxx.remarks %}
// RUN: %if libcxx %{ FileCheck %s --check-prefix=REMARK --input-file %t.libcxx.remarks %}
// The whole pipeline, compiled and linked: the loops' results are right.
// RUN: %mgxx -std=c++17 -O2 -g %s -o %t && %t | FileCheck %s --check-prefix=OUT
// RUN: %mgxx -std=c++17 -O0 -g %s -o %t.O0 && %t.O0 | FileCheck %s --check-prefix=OUT
#include <cstdio>
#include <map>
#include <unordered_map>
#include <vector>

// A reference parameter: its alloca is loaded in the loop.
// REMARK-DAG: read_window_shapes.cpp:[[#@LINE+4]]:{{[0-9]+}}: checked lookups: std::unordered_map<int, int>::count (one check for each run of the loop at line [[#@LINE+3]])
long hits(const std::unordered_map<int, int> &m, const std::vector<int> &keys) {
  long n = 0;
  for (int k : keys)
    n += m.count(k);
  return n;
}

// A member of `this`: a GEP of the loaded `this`.
struct Index {
  int pad = 0;
  std::map<int, int> byKey;
  // REMARK-DAG: read_window_shapes.cpp:[[#@LINE+4]]:{{[0-9]+}}: checked lookups: std::map<int, int>::find (one check for each run of the loop at line [[#@LINE+3]])
  long sum(int n) const {
    long s = 0;
    for (int k = 0; k < n; ++k) {
      auto it = byKey.find(k);
      s += it == byKey.end() ? 0 : it->second;
    }
    return s;
  }
};

// Nested loops: the outer loop is the window (the inner one is part of it).
// REMARK-DAG: read_window_shapes.cpp:[[#@LINE+5]]:{{[0-9]+}}: checked lookups: std::unordered_map<int, int>::at (one check for each run of the loop at line [[#@LINE+3]])
long grid(const std::unordered_map<int, int> &m, int n) {
  long s = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      s += m.at((i * n + j) % 4);
  return s;
}

// CHECK-LABEL: define {{.*}}@_Z4hitsRKSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEERKSt6vectorIiSaIiEE(
// CHECK:         %mapguard.snapshot = load atomic i64, ptr %{{.*}} monotonic
// CHECK-NOT:     call void @__mapguard_read(
// CHECK:         call void @__mapguard_read_window(ptr %{{.*}}, ptr @{{.*}}, i64 %{{.*}})
// CHECK:       {{^}}}

int main() {
  std::unordered_map<int, int> m = {{0, 1}, {1, 2}, {2, 3}, {3, 4}};
  Index idx;
  for (int k = 0; k < 10; k += 2)
    idx.byKey[k] = k;
  // OUT: hits 2, sum 20, grid 90
  std::printf("hits %ld, sum %ld, grid %ld\n", hits(m, {1, 3, 7}), idx.sum(10),
              grid(m, 6));
}
