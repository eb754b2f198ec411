// Two threads writing the same inner map of a map of maps are reported, and
// the report names the inner map. Both also call the outer map's operator[],
// but never at the same time: that is not reported.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <map>
#include <unordered_map>

std::map<int, std::unordered_map<int, int, GateHash>> groups;

// CHECK: inner is at [[INNER:0x[0-9a-f]+]]
// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map [[INNER]] (std::unordered_map<int, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_nested_map.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  groups[1][20] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_nested_map.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  groups[1][10] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_nested_map.cpp:[[#LINE_B]] in write_b()

int main() {
  std::fprintf(stderr, "inner is at %p\n", static_cast<void *>(&groups[1]));
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu\n", groups[1].size());
}
