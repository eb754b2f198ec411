// A write whose hash throws leaves the map unmarked: when the same thread
// later races another writer, the report names the two racing writes, not
// the one that threw.
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
#include <stdexcept>
#include <unordered_map>

struct ThrowingHash {
  std::size_t operator()(int key) const {
    if (key < 0)
      throw std::invalid_argument("negative key");
    return GateHash{}(key);
  }
};

std::unordered_map<int, int, ThrowingHash> stock;

// No cleanups in this frame: only MapGuard's own unwind path ends the write.
__attribute__((noinline)) void put(int key) { stock[key] = 1; }

// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map 0x{{[0-9a-f]+}} (std::unordered_map<int, int, ThrowingHash>)

void write_b() {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_after_exception.cpp:[[#LINE_B:@LINE+1]]:{{[0-9]+}} [operator[]]
  stock[2] = 2;
}

void write_a() {
  // ThrowingHash throws before it reaches the gate: the next write holds.
  try {
    put(-1);
  } catch (const std::invalid_argument &) {
  }
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write_a() at {{.*}}racy_after_exception.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  stock[1] = 1;
}

// CHECK: SUMMARY: MapGuard: concurrent map writes {{.*}}racy_after_exception.cpp:[[#LINE_B]] in write_b()

int main() {
  overlap::race(write_a, write_b);
  std::printf("not caught: %zu entries\n", stock.size());
}
