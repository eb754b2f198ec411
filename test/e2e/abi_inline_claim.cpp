// The pass and the runtime agree on runtime/mapguard_abi.h: a write the
// pass claims inline (any write of a thread the runtime has registered, to
// a map whose slot is free) takes the slot where the runtime looks for the
// map (its strict home slot, or its fast slot) with the key the runtime
// would have written, and leaves the thread's tombstone there at its end.
// Sixteen maps, so that a wrong hash, table geometry or key layout cannot
// land on the right slots by chance.
//
// DEFINE: %{mode} =
// DEFINE: %{fast} =
// DEFINE: %{check} = %mgxx -O2 -g -pthread -I %mapguard_runtime_src -mllvm -mapguard-mode=%{mode} -DFAST_MODE=%{fast} %s -o %t.%{mode} \
// DEFINE:   && %t.%{mode} > %t.out 2> %t.err && test ! -s %t.err && FileCheck %s --input-file %t.out \
// DEFINE:   && %mgxx -O2 -I %mapguard_runtime_src -mllvm -mapguard-mode=%{mode} -DFAST_MODE=%{fast} -S -emit-llvm %s -o - | FileCheck %s --check-prefix=IR
// REDEFINE: %{mode} = strict
// REDEFINE: %{fast} = 0
// RUN: %{check}
// REDEFINE: %{mode} = fast
// REDEFINE: %{fast} = 1
// RUN: %{check}

// The write is claimed inline (only the inline claim reads the hold counts):
// IR: getelementptr {{.*}}ptr @__mapguard_map_holds

// CHECK-COUNT-16: map {{[0-9]+}}: its key during the write, its tombstone after
// CHECK-NOT: map

#include "mapguard_internal.h"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>

struct CheckingHash {
  size_t operator()(int Key) const;
};
using Map = std::unordered_map<int, int, CheckingHash>;

Map Maps[16];
Map *Checked = nullptr; // the map whose write the hash checks

// The key the runtime would give this thread's write of M.
uint64_t ExpectedKey(const Map &M) {
  return __mapguard::MakeKey(uintptr_t(&M), __mapguard::CurrentThreadIndex());
}

uint64_t SlotKey(const Map &M) {
  return __mapguard::SlotKeyForTesting(uintptr_t(&M), FAST_MODE);
}

// Runs inside the write (between its begin and its end).
__attribute__((noinline)) size_t CheckingHash::operator()(int Key) const {
  if (Map *M = Checked) {
    Checked = nullptr;
    if (SlotKey(*M) != ExpectedKey(*M)) {
      std::printf("during the write of map %d: slot holds %#llx, not %#llx\n",
                  int(M - Maps), (unsigned long long)SlotKey(*M),
                  (unsigned long long)ExpectedKey(*M));
      std::exit(1);
    }
  }
  return size_t(Key);
}

__attribute__((noinline)) void Write(Map &M, int Key) { M[Key] = Key; }

int main() {
  Write(Maps[0], 0); // the thread's first write: the runtime registers it
  for (Map &M : Maps) {
    Checked = &M;
    Write(M, 1); // claimed inline
    if (Checked) {
      std::printf("the hash did not run inside the write\n");
      return 1;
    }
    uint64_t Tomb = ExpectedKey(M) | __mapguard::kTombBit;
    if (SlotKey(M) != Tomb) {
      std::printf("after the write of map %d: slot holds %#llx, not %#llx\n",
                  int(&M - Maps), (unsigned long long)SlotKey(M),
                  (unsigned long long)Tomb);
      return 1;
    }
    std::printf("map %d: its key during the write, its tombstone after\n",
                int(&M - Maps));
  }
  return 0;
}
