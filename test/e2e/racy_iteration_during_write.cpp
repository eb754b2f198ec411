// A range-for over a map while another thread is inside a write to it is
// reported with Go's third message: the iteration's begin() and the write.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=fast
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -stdlib=libc++
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <string>
#include <unordered_map>

std::unordered_map<std::string, int, GateHash> scores = {{"carol", 3}};
long total = 0;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map iteration and map write
// CHECK-NEXT: fatal error: concurrent map iteration and map write
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<std::string, int, GateHash>)

void iterate_b() {
  // CHECK-NEXT: iteration by thread {{[0-9]+}} "writer-b" in iterate_b() at {{.*}}racy_iteration_during_write.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [begin]
  for (const auto &[name, score] : scores)
    total += score;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_iteration_during_write.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  scores["alice"] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map iteration and map write {{.*}}racy_iteration_during_write.cpp:[[#LINE_B]] in iterate_b()

int main() {
  overlap::race(write_a, iterate_b);
  std::printf("not caught: %zu entries, total %ld\n", scores.size(), total);
}
