// -mapguard-presets chooses the container families: without "std" the
// standard maps are left alone; an unknown name is an error naming it and
// the known ones, and the compilation fails.
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -fno-caret-diagnostics -Rpass=mapguard -S -emit-llvm -o - %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=ON
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets=abseil,boost -fno-caret-diagnostics -Rpass=mapguard -Rpass-missed=mapguard -S -emit-llvm -o %t.ll %s 2>&1 \
// RUN:   | count 0
// RUN: FileCheck %s --check-prefix=OFF --input-file=%t.ll
// RUN: %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets= -S -emit-llvm -o - %s \
// RUN:   | FileCheck %s --check-prefix=OFF
// RUN: not %clangxx -std=c++17 -O0 -fpass-plugin=%plugin -fplugin=%plugin -mllvm -mapguard-presets=std,qt -c -o /dev/null %s 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// RUN: echo "" | not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-presets=gtk -disable-output - 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD-OPT
#include <map>

std::map<int, int> shared;

void put(int k) { shared[k] = 1; }
int get(int k) { return shared.count(k); }

// ON: remark: guarded write: std::map<int, int>::operator[] (the map is a global variable)
// OFF-NOT: @__mapguard_
// BAD: error: MapGuard: -mapguard-presets: unknown preset 'qt' (known: std, abseil, boost, glib)
// BAD-NOT: Stack dump
// BAD-OPT: error: MapGuard: -mapguard-presets: unknown preset 'gtk' (known: std, abseil, boost, glib)
