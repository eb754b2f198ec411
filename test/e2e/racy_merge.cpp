// merge writes its source too: a thread running into.merge(from) races a
// thread inserting into from, and the report names from.
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

std::map<int, int, GateLess> into = {{1, 1}};
std::map<int, int, GateLess> from = {{2, 2}};

// CHECK: from is at [[FROM:0x[0-9a-f]+]]
// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map [[FROM]] (std::map<int, int, GateLess>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_merge.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [merge]
  into.merge(from);
}

void write_a() {
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_merge.cpp:[[#@LINE+1]]:{{[0-9]+}} [insert]
  from.insert({3, 3});
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_merge.cpp:[[#LINE_B]] in write_b()

int main() {
  std::fprintf(stderr, "from is at %p\n", static_cast<void *>(&from));
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu %zu\n", into.size(), from.size());
}
