// Fast mode (-mllvm -mapguard-mode=fast) catches the same deterministic
// overlap of two operator[] writes and reports both writers.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0 -mllvm -mapguard-mode=fast
// RUN: %{check}
// REDEFINE: %{flags} = -O2 -mllvm -mapguard-mode=fast
// RUN: %{check}
// REDEFINE: %{flags} = -O0 -stdlib=libc++ -mllvm -mapguard-mode=fast
// RUN: %if libcxx %{ %{check} %}
// REDEFINE: %{flags} = -O2 -stdlib=libc++ -mllvm -mapguard-mode=fast
// RUN: %if libcxx %{ %{check} %}

#include "overlap.h"
#include <cstdio>
#include <string>
#include <unordered_map>

std::unordered_map<std::string, int, GateHash> scores;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<std::string, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_fast_mode.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  scores["bob"] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_fast_mode.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  scores["alice"] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_fast_mode.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", scores.size());
}
