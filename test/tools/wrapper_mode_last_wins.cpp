// Of several -mllvm -mapguard-mode=... given to the wrapper (a build
// flavour's flags on top of a project's), the last one wins, as with other
// compiler flags; LLVM alone would reject the second occurrence.
// RUN: %mgxx -O1 -S -emit-llvm -o - %s -mllvm -mapguard-mode=fast -mllvm -mapguard-mode=strict | FileCheck %s --check-prefix=STRICT
// RUN: %mgxx -O1 -S -emit-llvm -o - %s -mllvm -mapguard-mode=strict -Wall -mllvm -mapguard-mode=fast | FileCheck %s --check-prefix=FAST
// RUN: %mgxx -O1 -o %t %s -mllvm -mapguard-mode=strict -mllvm -mapguard-mode=fast && %t | FileCheck %s --check-prefix=OUT
// STRICT: call {{.*}}@__mapguard_write_begin(
// STRICT-NOT: __mapguard_write_begin_fast
// FAST: @__mapguard_fast_table
// FAST-NOT: call {{.*}}@__mapguard_write_begin(
// OUT: 3 entries
#include <cstdio>
#include <map>

std::map<int, int> shared;

__attribute__((noinline)) void put(int k) { shared[k] = k; }

int main() {
  put(1);
  put(2);
  put(3);
  std::printf("%zu entries\n", shared.size());
}
