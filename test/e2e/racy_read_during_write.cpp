// A lookup on one thread while another thread is inside a write to the same
// map is reported with Go's second message, naming the read and the write.
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
#include <map>

std::map<int, int, GateLess> ages = {{1, 10}, {5, 50}};
int found = 0;

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map read and map write
// CHECK-NEXT: fatal error: concurrent map read and map write
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::map<int, int, GateLess>)

void read_b() {
  // CHECK-NEXT: read by thread {{[0-9]+}} "writer-b" in read_b() at {{.*}}racy_read_during_write.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [find]
  found = ages.find(5) != ages.end();
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_read_during_write.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  ages.insert({3, 30});
}

// CHECK: SUMMARY: MapGuard: concurrent map read and map write {{.*}}racy_read_during_write.cpp:[[#LINE_B]] in read_b()

int main() {
  overlap::race(write_a, read_b);
  std::printf("not caught: %zu entries, found %d\n", ages.size(), found);
}
