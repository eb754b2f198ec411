// With MAPGUARD_OPTIONS=halt_on_error=0 the program keeps running: each
// distinct pair of racing sites is reported once (two pairs here, each raced
// twice), a summary line at exit counts the reports, and the exit status is
// exitcode (66 unless set).
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && { env MAPGUARD_OPTIONS=halt_on_error=0 %t > %t.out 2> %t.err; test $? -eq 66; } \
// DEFINE:   && FileCheck %s --input-file %t.err --implicit-check-not='ERROR: MapGuard' \
// DEFINE:   && FileCheck %s --check-prefix=OUT --input-file %t.out \
// DEFINE:   && { env MAPGUARD_OPTIONS=halt_on_error=0:exitcode=9 %t > /dev/null 2>&1; test $? -eq 9; }
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

std::unordered_map<int, int, GateHash> first, second;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int, GateHash>)

void write_b1() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b1() at {{.*}}racy_halt_on_error_0.cpp:[[#LINE_B1:@LINE+1]]:{{[0-9]+}} [operator[]]
  first[2] = 2;
}

void write_a1() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a1() at {{.*}}racy_halt_on_error_0.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  first[1] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_halt_on_error_0.cpp:[[#LINE_B1]] in write_b1()
// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int, GateHash>)

void write_b2() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b2() at {{.*}}racy_halt_on_error_0.cpp:[[#LINE_B2:@LINE+1]]:{{[0-9]+}} [erase]
  second.erase(1);
}

void write_a2() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a2() at {{.*}}racy_halt_on_error_0.cpp:[[#@LINE+1]]:{{[0-9]+}} [try_emplace]
  second.try_emplace(1, 1);
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_halt_on_error_0.cpp:[[#LINE_B2]] in write_b2()
// CHECK: SUMMARY: MapGuard: 2 concurrent map write report(s)

// OUT: kept running: 2 1

int main() {
  for (int round = 0; round < 2; ++round)
    overlap::race(write_a1, write_b1);
  for (int round = 0; round < 2; ++round)
    overlap::race(write_a2, write_b2);
  std::printf("kept running: %zu %zu\n", first.size(), second.size());
}
