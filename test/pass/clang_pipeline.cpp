// Under clang -fpass-plugin the pass runs by itself at every optimisation
// level, before inlining (at -O0 despite optnone), and keeps the inserted
// calls carrying the write's debug location.
// RUN: %clangxx -std=c++17 -O0 -g -fpass-plugin=%plugin -S -emit-llvm -o %t.O0.ll %s
// RUN: FileCheck %s --input-file=%t.O0.ll && FileCheck %s --check-prefix=STUB --input-file=%t.O0.ll
// RUN: %clangxx -std=c++17 -O1 -g -fpass-plugin=%plugin -S -emit-llvm -o %t.O1.ll %s
// RUN: FileCheck %s --input-file=%t.O1.ll && FileCheck %s --check-prefix=STUB --input-file=%t.O1.ll
// RUN: %clangxx -std=c++17 -O2 -g -fpass-plugin=%plugin -S -emit-llvm -o %t.O2.ll %s
// RUN: FileCheck %s --input-file=%t.O2.ll && FileCheck %s --check-prefix=STUB --input-file=%t.O2.ll
// RUN: %clangxx -std=c++17 -O3 -g -fpass-plugin=%plugin -S -emit-llvm -o %t.O3.ll %s
// RUN: FileCheck %s --input-file=%t.O3.ll && FileCheck %s --check-prefix=STUB --input-file=%t.O3.ll
// RUN: %if libcxx %{ %clangxx -std=c++17 -stdlib=libc++ -O2 -g -fpass-plugin=%plugin -S -emit-llvm -o %t.libcxx.ll %s %}
// RUN: %if libcxx %{ FileCheck %s --input-file=%t.libcxx.ll && FileCheck %s --check-prefix=STUB --input-file=%t.libcxx.ll %}
// Without the plugin nothing is inserted.
// RUN: %clangxx -std=c++17 -O2 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=PLAIN
#include <unordered_map>

std::unordered_map<int, int> counts;

// In strict mode the write calls the operation's guarded stub, with its
// descriptor; the stub, never inlined, calls the hooks around the operation.
// CHECK-LABEL: define {{.*}}@_Z4bumpi(
// CHECK:       call {{.*}}@{{_Z[^(]*}}.mapguard({{.*}}), !dbg [[LOC:![0-9]+]]
// STUB:        define internal {{.*}}@{{_Z[^(]*}}.mapguard({{.*}}) {{.*}}[[STUB:#[0-9]+]] personality
// STUB:        call {{.*}}@__mapguard_strict_claim(
// STUB:        call void @__mapguard_write_end(
// STUB:        attributes [[STUB]] = { {{.*}}noinline
// With -g the stub has an artificial subprogram, so that the operation
// inlined into it keeps its line table (and the IR verifies).
// STUB:        distinct !DISubprogram(name: "operator[]", linkageName: "{{_Z[^"]*}}.mapguard"{{.*}}flags: DIFlagArtificial
// RUN: %opt -passes=verify -disable-output %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// CHECK:       [[LOC]] = !DILocation(line: [[#@LINE+13]],
//
// Wrapped in place (-mapguard-outline=0, and fast mode's default), the
// hooks are in the function and carry the write's location.
// RUN: %clangxx -std=c++17 -O2 -g -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-outline=0 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=INPLACE
// RUN: %clangxx -std=c++17 -O0 -g -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-outline=0 -S -emit-llvm -o - %s | FileCheck %s --check-prefix=INPLACE
// INPLACE-LABEL: define {{.*}}@_Z4bumpi(
// INPLACE:       call {{.*}}@__mapguard_strict_claim({{.*}}), !dbg [[LOC:![0-9]+]]
// INPLACE:       call void @__mapguard_write_end(ptr {{.*}}@counts, ptr {{.*}}@__mapguard_site{{.*}}, i64 %{{.*}}), !dbg
// INPLACE-NOT:   define internal {{.*}}.mapguard(
// INPLACE:       [[LOC]] = !DILocation(line: [[#@LINE+3]],
// PLAIN-NOT:   __mapguard
void bump(int k) {
  counts[k] += 1;
}
