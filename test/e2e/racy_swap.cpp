// swap writes both maps: a thread running a.swap(b) races a thread writing b,
// and the report names b.
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
#include <unordered_map>

std::unordered_map<int, int, GateHash> a = {{1, 1}};
std::unordered_map<int, int, GateHash> b = {{2, 2}};

// CHECK: b is at [[B:0x[0-9a-f]+]]
// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map [[B]] (std::unordered_map<int, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_swap.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [swap]
  a.swap(b);
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_swap.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  b[3] = 3;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_swap.cpp:[[#LINE_B]] in write_b()

int main() {
  std::fprintf(stderr, "b is at %p\n", static_cast<void *>(&b));
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu %zu\n", a.size(), b.size());
}
