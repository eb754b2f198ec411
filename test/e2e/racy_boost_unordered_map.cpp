// Two threads writing one boost::unordered_map at once are reported, with
// the map's type as the user wrote it (the "boost" preset).
// REQUIRES: boost
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t && { %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}

#include "overlap.h"
#include <boost/unordered_map.hpp>
#include <cstdio>
#include <string>

boost::unordered_map<std::string, int, GateHash> counts;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (boost::unordered_map<std::string, int, GateHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_boost_unordered_map.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [erase]
  counts.erase("b");
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_boost_unordered_map.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  counts["a"] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_boost_unordered_map.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu counts\n", counts.size());
}
