// Under clang -fpass-plugin the pass runs by itself at every optimisation
// level, before inlining (at -O0 despite optnone), and keeps the inserted
// calls carrying the write's debug location.
// RUN: %clangxx -std=c++17 -O0 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clangxx -std=c++17 -O1 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clangxx -std=c++17 -O2 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s
// RUN: %clangxx -std=c++17 -O3 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -g -fpass-plugin=%plugin -S -emit-llvm -o - %s | FileCheck %s %}
// Without the plugin nothing is inserted.
// RUN: %clangxx -std=c++17 -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=PLAIN
#include <unordered_map>

std::unordered_map<int, int> counts;

// CHECK-LABEL: define {{.*}}@_Z4bumpi(
// CHECK:       call i64 @__mapguard_write_begin(ptr {{.*}}@counts, ptr {{.*}}@__mapguard_site{{.*}}), !dbg [[LOC:![0-9]+]]
// CHECK:       call void @__mapguard_write_end(ptr {{.*}}@counts, ptr {{.*}}@__mapguard_site{{.*}}, i64 %{{.*}}), !dbg
// CHECK:       [[LOC]] = !DILocation(line: [[#@LINE+3]],
// PLAIN-NOT:   __mapguard
void bump(int k) {
  counts[k] += 1;
}
