//===-- fast_table.cpp - Fast mode: Go's check, best effort ---------------===//
//
// The fast mode's hooks: kFastSlots direct-mapped slots and no
// read-modify-write. A slot holds 0 (never used), the key of a write in
// progress, or a tombstone: the key of the last write to end there, with
// kTombBit set. A writer that finds the slot free (0 or a tombstone) stores
// its key; one that finds another map's write in progress goes untracked.
// Two writers that both read the slot free both store; the one overwritten
// finds the other's key, or its tombstone, for its own map at its end hook.
// Keys appear only between their owner's begin and end, and a tombstone only
// after another thread stored over a key, so a report is always a real
// overlap; an overlap can be missed.
//
// The pass emits the common case inline (pass/HookEmitter.cpp): a write
// that finds the slot free and need not tell the runtime (no handoff that
// may still hold, not the thread's first write, no stress) claims it with
// two plain stores, and its end turns the key back into the tombstone;
// anything else calls the hooks below.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

using namespace __mapguard;

alignas(64) Slot __mapguard_fast_table[kFastSlots];

uintptr_t __mapguard::FastClaim(uintptr_t Addr, const Site *S) {
  if (!IsTrackable(Addr))
    return 0;
  Slot &Mine = FastSlot(Addr);
  Mine.site.store(S, std::memory_order_relaxed);
  Mine.key.store(MakeKey(Addr, ThreadIndex()), std::memory_order_release);
  return uintptr_t(&Mine);
}

// After a handoff's hold: two threads released together both read the slot
// free and both stored, and the one stored over would otherwise learn it
// only at its end hook, which a map corrupted by the two writes may never
// let it reach. Another thread's key for this map in our slot, while our
// write is in progress, is a write that began during ours.
__attribute__((noinline)) static void
CheckStillOurs(uintptr_t Addr, uint64_t MyKey, const Site *S, Slot &Mine) {
  uint64_t Key = Mine.key.load(std::memory_order_relaxed);
  if (Key != MyKey && KeyAddress(Key) == Addr &&
      KeyThreadIndex(Key) != KeyThreadIndex(MyKey))
    ReportSlotConflict(Addr, S, Mine, Key, /*OtherIsSecond=*/true);
}

MAPGUARD_ABI uintptr_t __mapguard_write_begin_fast(void *Map, const Site *S) {
  uintptr_t Addr = uintptr_t(Map);
  if (UNLIKELY(!IsTrackable(Addr)))
    return 0;
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  Slot &Mine = FastSlot(Addr);
  PrefetchForWrite(&Mine); // the stores below need it exclusive
  uint64_t Key = Mine.key.load(std::memory_order_relaxed);
  if (LIKELY(!IsActiveKey(Key))) {
    const Site *PreviousSite = Mine.site.load(std::memory_order_relaxed);
    // The site before the key: a reader that sees the key sees the site.
    Mine.site.store(S, std::memory_order_relaxed);
    Mine.key.store(MyKey, std::memory_order_release);
    if (UNLIKELY(Key != (MyKey | kTombBit))) {
      NoteHandoff(Addr, Key, S, PreviousSite);
      CheckStillOurs(Addr, MyKey, S, Mine);
    }
    if (UNLIKELY(g_options.stress))
      StressDelay();
    return uintptr_t(&Mine);
  }
  if (KeyAddress(Key) == Addr && Key != MyKey)
    ReportSlotConflict(Addr, S, Mine, Key, /*OtherIsSecond=*/false);
  // A nested write on this thread, a reported conflict, or another map's
  // writer holds the slot: nothing to undo.
  return 0;
}

MAPGUARD_ABI void __mapguard_write_end_fast(void *Map, const Site *S,
                                            uintptr_t Token) {
  if (Token == 0)
    return;
  uintptr_t Addr = uintptr_t(Map);
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  Slot &Mine = *reinterpret_cast<Slot *>(Token);
  uint64_t Key = Mine.key.load(std::memory_order_relaxed);
  if (LIKELY(Key == MyKey)) {
    // The site stays: the next writer stores its own before its key.
    Mine.key.store(MyKey | kTombBit, std::memory_order_relaxed);
  } else if (KeyAddress(Key) == Addr &&
             KeyThreadIndex(Key) != KeyThreadIndex(MyKey)) {
    // Another thread stored over our key: it wrote this map while we were
    // (and may have finished since: its tombstone). Its own end hook, if it
    // has not run yet, releases the slot.
    ReportSlotConflict(Addr, S, Mine, Key, /*OtherIsSecond=*/true);
  }
  // Otherwise another map's writer took the slot over; it will release it.
}
