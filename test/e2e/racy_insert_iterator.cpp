// A write made through std::insert_iterator (std::copy into
// std::inserter(s, s.end())) is guarded too: a direct insert racing it is
// reported.
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
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <set>
#include <vector>

std::set<int, GateLess> seen = {0};
std::vector<int> batch = {1, 2, 3};

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::set<int, GateLess>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_insert_iterator.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [insert]
  seen.insert(9);
}

void write_a() {
  // The write inside std::insert_iterator is reported where the library
  // makes it (in the iterator's operator=, in the standard library's header).
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in std::insert_iterator<std::set<int, GateLess{{.*}}>>::operator=({{.*}}) at {{.*}}iterator.h:{{[0-9]+}}:{{[0-9]+}} [insert]
  std::copy(batch.begin(), batch.end(), std::inserter(seen, seen.end()));
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_insert_iterator.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu\n", seen.size());
}
