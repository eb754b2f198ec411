// Two threads writing one absl::flat_hash_map at once are reported, with the
// map's type as the user wrote it (its members are absl::container_internal::
// raw_hash_map / raw_hash_set members: the "abseil" preset maps them back).
// REQUIRES: abseil
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t -labsl_raw_hash_set -labsl_hash -labsl_city -labsl_low_level_hash && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "overlap.h"
#include <absl/container/flat_hash_map.h>
#include <cstdio>

absl::flat_hash_map<int, int, GateHash> ids;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (absl::flat_hash_map<int, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_abseil_flat_hash_map.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  ids[2] = 2;
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_abseil_flat_hash_map.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ids.insert({1, 1});
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_abseil_flat_hash_map.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu ids\n", ids.size());
}
