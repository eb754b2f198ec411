// A thread that keeps writing its map gets the map's table bucket (strict
// mode's bias, runtime/bias.cpp): its writes are then plain stores. When
// another thread writes the map during one of them, that write takes the
// bucket back and meets the owner's: the report names both, as with the
// compare-and-swap claim (bias=0), and at -O0 and -O2. (Strict mode in both
// lit modes: fast mode has no bias.)
//
// DEFINE: %{flags} =
// DEFINE: %{opts} =
// DEFINE: %{check} = %mgxx -mllvm -mapguard-mode=strict %{flags} -g -pthread -I %S/Inputs -I %mapguard_runtime_src %s -o %t \
// DEFINE:   && { env MAPGUARD_OPTIONS=%{opts} %t 2> %t.err; test $? -eq 134; } && FileCheck %s --input-file %t.err
// REDEFINE: %{flags} = -O0
// REDEFINE: %{opts} = bias=1
// RUN: %{check}
// REDEFINE: %{flags} = -O2
// RUN: %{check}
// REDEFINE: %{opts} = bias=0
// RUN: %{check} --check-prefix=NOBIAS

#include "mapguard_internal.h"
#include "overlap.h"
#include <cstdio>
#include <unordered_map>

std::unordered_map<int, int, GateHash> m;

bool BiasedToMe() {
  uint64_t W = __mapguard::StrictBucket(uintptr_t(&m))
                   .bias.load(std::memory_order_relaxed);
  return __mapguard::BiasedTo(W, __mapguard::CurrentThreadIndex());
}

// CHECK: writer-a owns the bucket: 1
// NOBIAS: writer-a owns the bucket: 0
// CHECK: =={{[0-9]+}}==ERROR: MapGuard: concurrent map writes
// CHECK-NEXT: fatal error: concurrent map writes
// CHECK-NEXT: map {{0x[0-9a-f]+}} (std::unordered_map<int, int, GateHash>)
// NOBIAS: ERROR: MapGuard: concurrent map writes
// NOBIAS: "writer-b" in write_b()
// NOBIAS: "writer-a" was writing it in write(int)

__attribute__((noinline)) void write(int k) {
  // CHECK-NEXT: write by thread {{[0-9]+}} "writer-b" in write_b() at {{.*}}racy_biased_owner.cpp:[[#@LINE+8]]:{{[0-9]+}} [operator[]]
  // CHECK: while thread {{[0-9]+}} "writer-a" was writing it in write(int) at {{.*}}racy_biased_owner.cpp:[[#@LINE+1]]:{{[0-9]+}} [operator[]]
  m[k] = k;
}

overlap::Gate gate;

void write_b() {
  m[2000] = 1;
}

int main() {
  overlap::in_two_threads(
      [] {
        for (int k = 0; k < 100; ++k)
          write(k); // the second write gets the bucket
        std::fprintf(stderr, "writer-a owns the bucket: %d\n",
                     int(BiasedToMe()));
        overlap::arm(gate); // the next write holds inside
        write(1000);
      },
      [] {
        gate.wait_for_a();
        write_b();
        gate.b_finished();
      });
  std::printf("not caught: %zu\n", m.size());
}
