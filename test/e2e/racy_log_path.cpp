// MAPGUARD_OPTIONS=log_path=PREFIX writes the report to PREFIX.<pid>, not to
// stderr, and the program still aborts.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && rm -f %t.log.* \
// DEFINE:   && { env MAPGUARD_OPTIONS=log_path=%t.log %t 2> %t.err; test $? -eq 134; } \
// DEFINE:   && FileCheck %s --check-prefix=STDERR --allow-empty --input-file %t.err \
// DEFINE:   && ls %t.log.* | count 1 \
// DEFINE:   && for f in %t.log.*; do FileCheck %s --input-file $f -DPID=${f##*.} || exit 1; done
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

std::unordered_map<int, int, GateHash> table;

// STDERR-NOT: MapGuard
// CHECK: ==[[PID]]==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_log_path.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  table[2] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_log_path.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  table[1] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_log_path.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", table.size());
}
