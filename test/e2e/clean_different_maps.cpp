// Two threads writing two different maps at the same moment (the overlap is
// forced, as in the racy_* tests) are never reported.
//
// DEFINE: %{flags} =
// DEFINE: %{check} = %mgxx %{flags} -g -pthread -I %S/Inputs %s -o %t \
// DEFINE:   && for i in 1 2 3 4 5; do %t > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out || { cat %t.err; exit 1; }; done
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

std::unordered_map<int, int, GateHash> left, right;

void write_a() { left[1] = 1; }
void write_b() { right[2] = 2; }

int main() {
  overlap::race(write_a, write_b);
  // CHECK: 1 1
  std::printf("%zu %zu\n", left.size(), right.size());
}
