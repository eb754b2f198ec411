//===-- holds.cpp - Handoff holds and stress: making near misses overlap --===//
//
// Only writes that overlap in time meet in a table, and racing threads often
// write one map a few microseconds apart rather than at once. As TSVD does
// with near misses, a write that takes a map over from another thread holds
// its flag for handoff_hold_us before it goes on, so that a third thread
// racing in, or the previous writer coming back, meets the flag and is
// reported. A hold only delays: it never reports anything by itself.
//
// Correct programs hand maps over too (a mutex-shared map changes writer at
// every lock handoff), so holds are rate limited by a token bucket: a burst
// of kHoldBurst, then at most one per kHoldCostFactor hold lengths. And a map
// that has been handed over kHoldsPerMap times with holds and no report is
// being handed over correctly: its handoffs hold no more.
//
// stress=1 makes guarded writes and checked reads sleep at random instead.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <errno.h>
#include <time.h>

using namespace __mapguard;

uint64_t __mapguard::NowNanoseconds() {
  timespec T;
  clock_gettime(CLOCK_MONOTONIC, &T);
  return uint64_t(T.tv_sec) * 1000000000u + uint64_t(T.tv_nsec);
}

static void SleepNanoseconds(uint64_t Ns) {
  timespec T = {time_t(Ns / 1000000000), long(Ns % 1000000000)};
  while (nanosleep(&T, &T) != 0 && errno == EINTR) {
  }
}

//===----------------------------------------------------------------------===//
// Handoff holds
//===----------------------------------------------------------------------===//

// The token bucket, as the virtual time up to which holds are paid for.
static std::atomic<uint64_t> g_hold_budget_ns;
static std::atomic<uint64_t> g_handoff_holds;

static bool TakeHoldToken(uint64_t Now, uint64_t HoldNs) {
  uint64_t Cost = HoldNs * kHoldCostFactor;
  uint64_t Burst = uint64_t(kHoldBurst) * Cost;
  uint64_t Floor = Now > Burst ? Now - Burst : 0;
  uint64_t Budget = g_hold_budget_ns.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t Base = Budget > Floor ? Budget : Floor;
    if (Base + Cost > Now)
      return false;
    if (g_hold_budget_ns.compare_exchange_weak(Budget, Base + Cost,
                                               std::memory_order_relaxed))
      return true;
  }
}

// Handoffs this thread lets go by before it next asks for a hold.
static __thread uint32_t t_handoffs_to_skip
    __attribute__((tls_model("initial-exec")));

// Handoff holds taken per map, by hash (a map sharing a counter with
// another only holds less often). The inline claims read it too.
MapHoldCount __mapguard_map_holds[kMapHoldCounters];

bool __mapguard::HoldAfterHandoff() {
  int HoldUs = g_options.handoff_hold_us;
  if (HoldUs <= 0)
    return false;
  if (t_handoffs_to_skip) {
    --t_handoffs_to_skip;
    return false;
  }
  uint64_t HoldNs = uint64_t(HoldUs) * 1000;
  if (!TakeHoldToken(NowNanoseconds(), HoldNs)) {
    t_handoffs_to_skip = kHandoffsBetweenHoldAsks;
    return false;
  }
  g_handoff_holds.fetch_add(1, std::memory_order_relaxed);
  SleepNanoseconds(HoldNs);
  return true;
}

// A thread's very first guarded write (or checked read) holds too: two
// threads started one after the other, each writing a shared map a few
// hundred times, would otherwise never overlap (the first is done before the
// second starts).
__thread bool __mapguard::t_started __attribute__((tls_model("initial-exec")));

void __mapguard::NoteHandoff(uintptr_t Addr, uint64_t Previous) {
  if (HoldIfFirstOfThread())
    return;
  if (!Previous || KeyAddress(Previous) != Addr)
    return; // no memory of this map's last writer
  // This map, last written by another thread.
  std::atomic<uint8_t> &Holds =
      __mapguard_map_holds[HashAddress(Addr, kMapHoldBits)].taken;
  uint8_t Taken = Holds.load(std::memory_order_relaxed);
  if (Taken < kHoldsPerMap && HoldAfterHandoff())
    Holds.store(uint8_t(Taken + 1), std::memory_order_relaxed);
}

uint64_t __mapguard::HandoffHoldCount() {
  return g_handoff_holds.load(std::memory_order_relaxed);
}

void __mapguard::ResetHolds() {
  t_handoffs_to_skip = 0;
  for (MapHoldCount &Holds : __mapguard_map_holds)
    Holds.taken.store(0, std::memory_order_relaxed);
  g_hold_budget_ns.store(0, std::memory_order_relaxed);
}

//===----------------------------------------------------------------------===//
// Stress
//===----------------------------------------------------------------------===//

// stress=1, for test suites: a guarded write sleeps a random 0..100 us
// inside its window one time in four, as KCSAN's watchpoints do, so that
// racing writes overlap far more often. Per-thread xorshift state.
static __thread uint32_t t_stress_state
    __attribute__((tls_model("initial-exec")));

void __mapguard::StressDelay() {
  uint32_t X = t_stress_state;
  if (X == 0)
    X = uint32_t(CurrentTid()) * 2654435761u | 1;
  X ^= X << 13;
  X ^= X >> 17;
  X ^= X << 5;
  t_stress_state = X;
  if (X & 3)
    return;
  SleepNanoseconds((X >> 2) % 100000);
}

MAPGUARD_ABI void __mapguard_stress_tick() {
  if (g_options.stress)
    StressDelay();
}
