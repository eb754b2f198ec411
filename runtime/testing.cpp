//===-- testing.cpp - What the runtime's own tests look at ----------------===//
//
// Scans of the tables and resets for test/runtime. Nothing else in the
// runtime calls these, so a program linked with the runtime leaves this file
// out.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

using namespace __mapguard;

uint64_t __mapguard::SlotKeyForTesting(uintptr_t Addr, bool Fast) {
  Slot &S = Fast ? FastSlot(Addr) : HomeSlot(Addr);
  return S.key.load(std::memory_order_acquire);
}

size_t __mapguard::StrictTableOccupancy() {
  size_t N = 0;
  for (Bucket &B : __mapguard_strict_table)
    for (Slot &S : B.slots)
      N += IsActiveKey(S.key.load(std::memory_order_relaxed));
  return N;
}

uint64_t __mapguard::StrictAwayCount() {
  uint64_t N = 0;
  for (Bucket &B : __mapguard_strict_table)
    N += B.away.load(std::memory_order_relaxed);
  return N;
}

size_t __mapguard::FastTableOccupancy() {
  size_t N = 0;
  for (Slot &S : __mapguard_fast_table)
    N += IsActiveKey(S.key.load(std::memory_order_relaxed));
  return N;
}

static void ForgetTombstone(Slot &S) {
  if (S.key.load(std::memory_order_relaxed) & kTombBit)
    S.key.store(0, std::memory_order_relaxed);
}

void __mapguard::ResetHandoffHistory() {
  ResetHolds();
  for (Bucket &B : __mapguard_strict_table)
    for (Slot &S : B.slots)
      ForgetTombstone(S);
  for (Slot &S : __mapguard_fast_table)
    ForgetTombstone(S);
}
