//===-- reads.cpp - Read and iteration checks, read windows ---------------===//
//
// A lookup, or the start of an iteration, checks that no other thread is
// writing the map, as Go's map reads do. Readers mark nothing, so readers
// never meet each other, and a read never slows a writer down. Like Go's,
// the check is a snapshot: it sees a write that is in progress at that
// instant (the handoff holds make that likelier), not one that starts
// during the rest of the read. The pass emits the check inline and calls
// these hooks only when the slots show a write to the map (or may).
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

using namespace __mapguard;

static inline void CheckNoOtherWriter(uintptr_t Addr, const Site *S,
                                      Slot &Candidate, uint16_t Me,
                                      ConflictKind Kind) {
  uint64_t Key = Candidate.key.load(std::memory_order_acquire);
  if (UNLIKELY(IsActiveKey(Key) && KeyAddress(Key) == Addr &&
               KeyThreadIndex(Key) != Me))
    ReportSlotConflict(Addr, S, Candidate, Key, /*OtherIsSecond=*/false, Kind);
}

// Reports a write of Addr by another thread in progress in any slot of
// Addr's strict bucket (Fast: in Addr's fast slot).
template <bool Fast>
static inline void LookForWriter(uintptr_t Addr, const Site *S,
                                 ConflictKind Kind) {
  uint16_t Me = ThreadIndex();
  if (Fast) {
    CheckNoOtherWriter(Addr, S, FastSlot(Addr), Me, Kind);
    return;
  }
  for (Slot &Candidate : StrictBucket(Addr).slots)
    CheckNoOtherWriter(Addr, S, Candidate, Me, Kind);
}

// Under stress the inline read check always calls the runtime, and a reader
// sleeps as often as a writer does before it looks: a reader that arrives
// later meets writes that a quick one misses. A thread's first read comes
// here too (it has no thread index yet): it looks, holds as a thread's first
// write does, and looks again. The first look finds a writer that started
// earlier and is holding its own first write (the reader's hold would
// otherwise let it finish unseen); the second, a writer started just after
// the reader.
// On a busy machine the hold goes on in naps (holds.cpp), and the reader
// looks after each of them as well.
template <bool Fast> static void LookDuringHold(const HoldLook &L) {
  LookForWriter<Fast>(L.addr, L.site, L.kind);
}

template <bool Fast>
static inline void CheckRead(void *Map, const Site *S, ConflictKind Kind) {
  uintptr_t Addr = uintptr_t(Map);
  bool Trackable = IsTrackable(Addr);
  if (UNLIKELY(t_thread_index == 0)) {
    ThreadIndex(); // registers the thread: its next reads stay inline
    if (Trackable) {
      LookForWriter<Fast>(Addr, S, Kind);
      HoldLook Look = {LookDuringHold<Fast>, Addr, S, Kind};
      HoldIfFirstOfThread(false, &Look);
    } else {
      HoldIfFirstOfThread();
    }
  }
  if (UNLIKELY(g_options.stress))
    StressDelay();
  if (LIKELY(Trackable))
    LookForWriter<Fast>(Addr, S, Kind);
}

MAPGUARD_ABI void __mapguard_read(void *Map, const Site *S) {
  CheckRead<false>(Map, S, ConflictKind::ReadWrite);
}
MAPGUARD_ABI void __mapguard_iterate(void *Map, const Site *S) {
  CheckRead<false>(Map, S, ConflictKind::IterationWrite);
}
MAPGUARD_ABI void __mapguard_read_fast(void *Map, const Site *S) {
  CheckRead<true>(Map, S, ConflictKind::ReadWrite);
}
MAPGUARD_ABI void __mapguard_iterate_fast(void *Map, const Site *S) {
  CheckRead<true>(Map, S, ConflictKind::IterationWrite);
}

//===----------------------------------------------------------------------===//
// Read windows
//===----------------------------------------------------------------------===//

// The end of a read window (pass/LoopWindows.h): a loop that looked the map
// up, with nothing that could synchronise, ran from the lookup that took
// Snapshot (the key in the map's slot, strict: its home slot) until now.
// Besides a write in progress now (CheckRead), another thread's write of
// the map that was in progress at the snapshot, or whose tombstone has
// replaced the snapshot since, overlapped the loop: nothing could have
// ordered it before the loop's first lookup or after its last. A key
// appears only during its owner's write, and a tombstone that replaced a
// free slot (0 or a tombstone) only at its writer's end, so both are proof.
// Not a tombstone that replaced a key: a strict claim that is given back
// (the inline claim that finds writes away from home, a nested write)
// stores the slot's previous value again, which may be an old tombstone.
// (A write away from its strict home slot, or whose tombstone was replaced
// again before the loop ended, is not seen.)
template <bool Fast>
static void CheckReadWindow(void *Map, const Site *S, uint64_t Snapshot,
                            ConflictKind Kind) {
  CheckRead<Fast>(Map, S, Kind);
  uintptr_t Addr = uintptr_t(Map);
  if (!IsTrackable(Addr))
    return;
  uint16_t Me = ThreadIndex();
  Slot &Home = Fast ? FastSlot(Addr) : HomeSlot(Addr);
  uint64_t Key = Home.key.load(std::memory_order_acquire);
  uint64_t Found = 0;
  if (IsActiveKey(Snapshot) && KeyAddress(Snapshot) == Addr &&
      KeyThreadIndex(Snapshot) != Me)
    Found = Snapshot;
  else if (Key != Snapshot && !IsActiveKey(Snapshot) && (Key & kTombBit) &&
           KeyAddress(Key) == Addr && KeyThreadIndex(Key) != Me)
    Found = Key;
  if (UNLIKELY(Found))
    ReportWindowConflict(Addr, S, Home, Found, Fast, Kind);
}

MAPGUARD_ABI void __mapguard_read_window(void *Map, const Site *S,
                                         uint64_t Snapshot) {
  CheckReadWindow<false>(Map, S, Snapshot, ConflictKind::ReadWrite);
}
MAPGUARD_ABI void __mapguard_read_window_fast(void *Map, const Site *S,
                                              uint64_t Snapshot) {
  CheckReadWindow<true>(Map, S, Snapshot, ConflictKind::ReadWrite);
}
// The same for an iteration (begin() before a loop over the map), checked
// where the loop ends.
MAPGUARD_ABI void __mapguard_iterate_window(void *Map, const Site *S,
                                            uint64_t Snapshot) {
  CheckReadWindow<false>(Map, S, Snapshot, ConflictKind::IterationWrite);
}
MAPGUARD_ABI void __mapguard_iterate_window_fast(void *Map, const Site *S,
                                                 uint64_t Snapshot) {
  CheckReadWindow<true>(Map, S, Snapshot, ConflictKind::IterationWrite);
}
