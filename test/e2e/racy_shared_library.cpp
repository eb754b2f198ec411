// Map writes compiled into a shared library are guarded like any others:
// the library's inline checks reach the runtime's tables, linked into the
// executable, through the dynamic symbols the wrapper exports. This file is
// both: with -DLIBRARY it is the library (the map and its two writers),
// without it the program that races them.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -fPIC -shared -DLIBRARY -I %S/Inputs %s -o %t.so && %mgxx %{flags} -g -pthread -I %S/Inputs %s %t.so -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "overlap.h"
#include <cstdio>
#include <map>

void write_a();
void write_b();
size_t entries();

#ifdef LIBRARY

std::map<int, int, GateLess> counts;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_shared_library.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  counts[2] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_shared_library.cpp:[[#@LINE+1]]:{{[0-9]+}} [emplace]
  counts.emplace(1, 1);
}

size_t entries() { return counts.size(); }

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_shared_library.cpp:[[#LINE_B]] in write_b()

#else

int main() {
  // One write first, so that the map is not empty and each racing write
  // calls the comparator (where writer-a holds).
  write_b();
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", entries());
}

#endif
