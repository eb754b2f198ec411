//===-- strict_table.cpp - Strict mode: every overlap of two writes -------===//
//
// The strict (default) mode's hooks: kStrictBuckets buckets of
// kSlotsPerBucket slots, each map with a home slot, claimed with seq_cst
// compare-and-swaps, so that every overlapping pair of writers of one map is
// reported. docs/design.md has the same argument in prose.
//
// A bucket is one cache line: three slots and `away`, the count of writes
// in progress in the bucket away from their map's home slot. A slot holds 0
// (never used), the key of a write in progress, or a tombstone: the key of
// the last write to end there with kTombBit set. A tombstone is free for
// anyone and doubles as the map's last writer, which tells a handoff from a
// thread writing its own map again without touching a second line.
//
// Each map has a home slot in its bucket (StrictHomeSlot). A writer claims
// its home with a seq_cst CAS when it is free and then loads the bucket's
// away count: when that is 0, no write of any map is in progress outside its
// home slot in this bucket, so no other slot can hold a write of this map,
// and there is nothing else to look at. Its end hook loads the count again
// before it releases the slot.
//
// A writer whose home slot holds another map's write goes away from home:
// it claims another free slot (CAS), increments the count (seq_cst), and
// then scans every other slot of the bucket, home included; its end hook
// scans them all again before it releases its slot and then decrements the
// count.
//
// Complete: take two writers of one map whose calls overlap.
//   - Both at home: the home slot holds one key at a time, so the second to
//     arrive finds the first's key there (reported), or the first had
//     released it, and then the first's call had returned.
//   - Both away from home: each claims, then scans the other's slot (seq_cst
//     store, then seq_cst load, on each side): one of them sees the other,
//     at its begin or, if the other claimed after that, at its end, unless
//     the first's call had returned before the second claimed.
//   - H at home, O away from it. O claims its slot, counts, then scans home;
//     at its end it scans home, releases, then uncounts. H claims home, then
//     loads the count; at its end it loads the count, then releases. All in
//     one seq_cst order:
//       If O's begin scan of home follows H's claim, O finds H's key, unless
//       H has released; then H's end load of the count either followed O's
//       count (H scanned and found O's slot, claimed before the count) or
//       preceded it (H's call had returned before O's began).
//       Otherwise H's claim follows O's begin scan, so H's begin load of the
//       count follows O's count: H scans and finds O's slot, unless O has
//       released it; then O's end scan of home either followed H's claim
//       (H's key was still there: H's end found O counted, so it could not
//       release before scanning O's slot, which O held until after its end
//       scan) or preceded it (O's call had returned before H's began).
//
// Every claim loads the bucket's bias after it (seq_cst) and gives the slot
// back when another thread holds the bucket: that thread's writes there are
// plain stores (bias.cpp, which extends this argument to them).
//
// Free of false positives: a key without kTombBit is present only while its
// owner is between begin and end (every begin is matched by an end on every
// path), two maps that share a bucket have different keys, and so a map born
// at a dead map's address finds no stale key.
//
// The pass emits the common case inline (pass/HookEmitter.cpp) whenever the
// runtime need not see the claim (not at a handoff that may still hold, not
// on a thread's first write, not under stress), so the hooks below run for
// the rest, and for every write under -mapguard-inline=0.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <sched.h>

using namespace __mapguard;

// A writer that finds its bucket full yields and retries this many times
// before it gives up and leaves the write untracked.
constexpr unsigned kMaxClaimRetries = 64;

Bucket __mapguard_strict_table[kStrictBuckets];
static std::atomic<uint64_t> g_untracked_writes;

static inline uintptr_t MakeToken(Slot *Mine, bool Away) {
  return uintptr_t(Mine) | (Away ? kAwayTokenBit : 0);
}
static inline Slot *TokenSlot(uintptr_t Token) {
  return reinterpret_cast<Slot *>(Token & ~kTokenBits);
}

// Claims a free slot of B other than Home for MyKey, preferring the map's
// own tombstone, then an empty slot, then another map's tombstone; null if
// every other slot holds a write in progress. *Previous receives what the
// slot held, *PreviousSite its site just before the claim.
static Slot *TryClaimAway(Bucket &B, Slot *Home, uintptr_t Addr, uint64_t MyKey,
                          uint64_t *Previous, const Site **PreviousSite) {
  for (;;) {
    Slot *Best = nullptr;
    uint64_t BestKey = 0;
    int BestRank = 3;
    for (Slot &Candidate : B.slots) {
      if (&Candidate == Home)
        continue;
      uint64_t Key = Candidate.key.load(std::memory_order_relaxed);
      if (IsActiveKey(Key))
        continue;
      int Rank = Key == 0 ? 1 : KeyAddress(Key) == Addr ? 0 : 2;
      if (Rank < BestRank) {
        Best = &Candidate;
        BestKey = Key;
        BestRank = Rank;
      }
    }
    if (!Best)
      return nullptr;
    const Site *OldSite = Best->site.load(std::memory_order_relaxed);
    if (Best->key.compare_exchange_strong(BestKey, MyKey,
                                          std::memory_order_seq_cst)) {
      *Previous = BestKey;
      *PreviousSite = OldSite;
      return Best;
    }
    // Another writer took that slot first: look again.
  }
}

// Gives back a slot claimed for a write that turned out to be nested (or,
// under the stand-alone claim of the tests, never scanned).
static inline void Unclaim(Slot &Mine, uint64_t Previous, bool Away) {
  Mine.site.store(nullptr, std::memory_order_relaxed);
  Mine.key.store(Previous, std::memory_order_release);
  if (Away)
    BucketOf(&Mine).away.fetch_sub(1, std::memory_order_seq_cst);
}

// Gives back a claim (its site not stored yet) made in a bucket another
// thread holds: a compare-and-swap, since that owner may have stored its own
// key over it.
static inline void GiveBack(Slot &Mine, uint64_t MyKey, uint64_t Previous) {
  Mine.key.compare_exchange_strong(MyKey, Previous, std::memory_order_seq_cst);
}

// Reports every write of Addr in progress in B by another thread, except
// in Mine and the one already reported; true if the calling thread itself
// holds Addr in a slot other than Mine (a nested write).
static bool ScanForOthers(Bucket &B, Slot *Mine, uintptr_t Addr, uint64_t MyKey,
                          const Site *S, uint64_t *Reported) {
  bool Nested = false;
  for (Slot &Other : B.slots) {
    if (&Other == Mine)
      continue;
    uint64_t Key = Other.key.load(std::memory_order_seq_cst);
    if (LIKELY(!IsActiveKey(Key) || KeyAddress(Key) != Addr))
      continue;
    if (Key == MyKey) {
      Nested = true;
    } else if (Key != *Reported) {
      *Reported = Key;
      ReportSlotConflict(Addr, S, Other, Key, /*OtherIsSecond=*/false);
    }
  }
  return Nested;
}

// The rest of a begin whose claim took Previous out of Mine: step 2, then
// the handoff bookkeeping. Returns the token, or 0 for a nested write.
static uintptr_t FinishClaim(Bucket &B, Slot *Mine, bool Away, uintptr_t Addr,
                             uint64_t MyKey, const Site *S, uint64_t Previous,
                             const Site *PreviousSite, uint64_t *Reported) {
  // 2. Is anyone else writing this map, or did someone claim it while we
  // were claiming? (At home with a count of 0, nobody can be elsewhere.)
  if ((Away || B.away.load(std::memory_order_seq_cst) != 0) &&
      ScanForOthers(B, Mine, Addr, MyKey, S, Reported)) {
    Unclaim(*Mine, Previous, Away); // the outer write holds the map
    return 0;
  }
  NoteWriter(Addr, MyKey, Previous, S, PreviousSite);
  if (UNLIKELY(g_options.stress))
    StressDelay();
  return MakeToken(Mine, Away);
}

// Claims Addr's home slot if it is free, else a slot away from home
// (counted); reports nothing. Mine is null when every slot holds a write in
// progress, or when the bucket is biased to another thread (Blocked: the
// claim was given back; ResolveBias, then claim again).
struct Claimed {
  Slot *Mine;
  bool Away;
  bool Blocked;
  uint64_t Previous;
  const Site *PreviousSite;
};
static Claimed ClaimSlot(uintptr_t Addr, uint64_t MyKey, const Site *S) {
  Bucket &B = StrictBucket(Addr);
  Slot &Home = HomeSlot(Addr);
  Claimed C = {nullptr, false, false, 0, nullptr};
  uint64_t Key = Home.key.load(std::memory_order_relaxed);
  while (!IsActiveKey(Key)) {
    const Site *OldSite = Home.site.load(std::memory_order_relaxed);
    if (Home.key.compare_exchange_weak(Key, MyKey, std::memory_order_seq_cst)) {
      C = {&Home, false, false, Key, OldSite};
      break;
    }
  }
  if (!C.Mine) {
    C.Away = true;
    C.Mine = TryClaimAway(B, &Home, Addr, MyKey, &C.Previous, &C.PreviousSite);
    if (!C.Mine)
      return C;
  }
  // The bias after the claim, both seq_cst (bias.cpp's argument).
  if (UNLIKELY(BiasBlocks(B.bias.load(std::memory_order_seq_cst),
                          KeyThreadIndex(MyKey)))) {
    GiveBack(*C.Mine, MyKey, C.Previous);
    C.Mine = nullptr;
    C.Blocked = true;
    return C;
  }
  // Release pairs with ReadOwnerSite's acquire: a reader that sees the site
  // also sees the key it belongs to.
  C.Mine->site.store(S, std::memory_order_release);
  if (C.Away) // counted after the claim: see the argument above
    B.away.fetch_add(1, std::memory_order_seq_cst);
  return C;
}

uintptr_t __mapguard::StrictClaim(uintptr_t Addr, const Site *S) {
  if (!IsTrackable(Addr))
    return 0;
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  Claimed C = ClaimSlot(Addr, MyKey, S);
  while (C.Blocked) {
    ResolveBias(StrictBucket(Addr), KeyThreadIndex(MyKey));
    C = ClaimSlot(Addr, MyKey, S);
  }
  if (!C.Mine)
    return 0;
  return MakeToken(C.Mine, C.Away);
}

// A biased claim whose bias was taken back after it announced itself (its
// marker holds its key): undo what the revoker may have published, first.
static inline void TakeBackLostBias(uintptr_t Addr, uint64_t MyKey) {
  const uint64_t *Marker = __mapguard_marker;
  if (UNLIKELY(Marker && __atomic_load_n(Marker, __ATOMIC_RELAXED) == MyKey))
    AfterBiasLost(StrictBucket(Addr), HomeSlot(Addr), MyKey);
}

// Everything the begin hook's common case leaves out: the thread's first
// write, stress, a home slot held by a write or a lost CAS.
__attribute__((noinline)) static uintptr_t StrictBeginSlow(uintptr_t Addr,
                                                           const Site *S) {
  if (UNLIKELY(!IsTrackable(Addr)))
    return 0;
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  TakeBackLostBias(Addr, MyKey);
  Bucket &B = StrictBucket(Addr);
  Slot &Home = HomeSlot(Addr);
  // With halt_on_error=0 a conflict is reported once and the write goes on:
  // remember whom we reported so that a rescan does not repeat it.
  uint64_t Reported = 0;
  for (unsigned Retry = 0;;) {
    // The home slot may hold this map's write already: ours (nested) or
    // another thread's (a conflict; the write then goes on elsewhere).
    uint64_t AtHome = Home.key.load(std::memory_order_seq_cst);
    if (IsActiveKey(AtHome) && KeyAddress(AtHome) == Addr) {
      if (AtHome == MyKey)
        return 0;
      if (AtHome != Reported) {
        Reported = AtHome;
        ReportSlotConflict(Addr, S, Home, AtHome, /*OtherIsSecond=*/false);
      }
    }
    // 1. Claim a slot.
    Claimed C = ClaimSlot(Addr, MyKey, S);
    if (C.Blocked) {
      ResolveBias(B, KeyThreadIndex(MyKey));
      continue;
    }
    if (C.Mine)
      return FinishClaim(B, C.Mine, C.Away, Addr, MyKey, S, C.Previous,
                         C.PreviousSite, &Reported);
    // Every slot holds a write: report any of them that writes this map,
    // then wait for one to end, or give up.
    if (ScanForOthers(B, nullptr, Addr, MyKey, S, &Reported))
      return 0;
    if (Retry++ == kMaxClaimRetries) {
      g_untracked_writes.fetch_add(1, std::memory_order_relaxed);
      return 0;
    }
    sched_yield();
  }
}

// NoteHandoff, then the token: a tail call for the common case.
__attribute__((noinline)) static uintptr_t
HandoffThenToken(uintptr_t Addr, uint64_t Previous, Slot *Mine, const Site *S,
                 const Site *PreviousSite) {
  NoteHandoff(Addr, Previous, S, PreviousSite);
  return uintptr_t(Mine);
}

// Step 2 of a home claim made by the common case, when some write of the
// bucket is away from its home: FinishClaim scans.
__attribute__((noinline)) static uintptr_t
StrictBeginScan(Slot *Mine, uintptr_t Addr, uint64_t MyKey, const Site *S,
                uint64_t Previous, const Site *PreviousSite) {
  uint64_t Reported = 0;
  return FinishClaim(BucketOf(Mine), Mine, false, Addr, MyKey, S, Previous,
                     PreviousSite, &Reported);
}

// The common case, in straight-line code: a registered thread, no stress,
// and a bucket biased to the thread with its own tombstone at home (plain
// stores, bias.cpp), or a free home slot: the same seq_cst CAS and loads of
// the bias and the count as the general code's, so the arguments above hold
// for it unchanged; anything unusual goes to the general path. The begin
// hook asks for the line in exclusive state at once (PREFETCHW), so the
// loads and the CAS that follow cost one transfer, not two.
MAPGUARD_ABI uintptr_t __mapguard_write_begin(void *Map, const Site *S) {
  uintptr_t Addr = uintptr_t(Map);
  uint16_t Index = t_thread_index;
  if (UNLIKELY(!IsTrackable(Addr) || Index == 0 || g_options.stress))
    return StrictBeginSlow(Addr, S);
  uint64_t MyKey = MakeKey(Addr, Index);
  Slot *Mine = &HomeSlot(Addr);
  Bucket &B = BucketOf(Mine);
  PrefetchForWrite(Mine);
  TakeBackLostBias(Addr, MyKey);
  uint64_t Previous = Mine->key.load(std::memory_order_relaxed);
  uint64_t Bias = B.bias.load(std::memory_order_relaxed);
  if (Previous == (MyKey | kTombBit) && BiasedTo(Bias, Index) &&
      __atomic_load_n(__mapguard_marker, __ATOMIC_RELAXED) == 0) {
    if (LIKELY(BiasedClaim(B, *Mine, MyKey, S)))
      return uintptr_t(Mine) | kBiasedTokenBit;
    return StrictBeginSlow(Addr, S); // which takes back what was published
  }
  // The last write's site, for learn_path's record of handoffs (the same
  // cache line).
  const Site *PreviousSite = Mine->site.load(std::memory_order_relaxed);
  if (UNLIKELY(IsActiveKey(Previous)) ||
      UNLIKELY(!Mine->key.compare_exchange_strong(Previous, MyKey,
                                                  std::memory_order_seq_cst)))
    return StrictBeginSlow(Addr, S);
  Bias = B.bias.load(std::memory_order_seq_cst);
  if (UNLIKELY(BiasBlocks(Bias, Index))) {
    GiveBack(*Mine, MyKey, Previous);
    ResolveBias(B, Index);
    return StrictBeginSlow(Addr, S);
  }
  Mine->site.store(S, std::memory_order_release);
  if (UNLIKELY(B.away.load(std::memory_order_seq_cst) != 0))
    return StrictBeginScan(Mine, Addr, MyKey, S, Previous, PreviousSite);
  if (UNLIKELY(Previous == (MyKey | kTombBit) && BiasGrantable(Bias)))
    MaybeGrantBias(B, Index, Bias);
  // The map's last write was another thread's (or another map's), and
  // NoteHandoff may still have something to do (the thread's first hold,
  // or the map's). Computed without branches: a map shared under a mutex
  // changes hands at random.
  bool Handoff =
      (Previous != (MyKey | kTombBit)) &
      (!t_started |
       (__mapguard_map_holds[HashAddress(Addr, kMapHoldBits)].taken.load(
            std::memory_order_relaxed) < kHoldsPerMap));
  if (UNLIKELY(Handoff))
    return HandoffThenToken(Addr, Previous, Mine, S, PreviousSite);
  return uintptr_t(Mine);
}

// The end hook's general case: a write away from home, a bucket with writes
// away from home, a slot that is no longer ours. (It takes the hook's own
// arguments, so that the common case need keep nothing across the call.)
__attribute__((noinline)) static void StrictEndSlow(void *Map, const Site *S,
                                                    uintptr_t Token) {
  uintptr_t Addr = uintptr_t(Map);
  uint64_t MyKey = MakeKey(Addr, t_thread_index);
  bool Away = Token & kAwayTokenBit;
  Slot *Mine = TokenSlot(Token);
  Bucket &B = BucketOf(Mine);
  // Did someone start writing this map while we were?
  for (Slot &Other : B.slots) {
    if (&Other == Mine)
      continue;
    uint64_t Key = Other.key.load(std::memory_order_seq_cst);
    if (UNLIKELY(IsActiveKey(Key) && KeyAddress(Key) == Addr) && Key != MyKey)
      ReportSlotConflict(Addr, S, Other, Key, /*OtherIsSecond=*/true);
  }
  // Release, leaving the tombstone. (The slot is someone else's only if a
  // fork cleared the table while this write was open; then leave it alone,
  // and the count, which the fork reset.)
  if (LIKELY(Mine->key.load(std::memory_order_relaxed) == MyKey)) {
    Mine->site.store(EndedSite(S), std::memory_order_relaxed);
    Mine->key.store(MyKey | kTombBit, std::memory_order_release);
    if (Away)
      B.away.fetch_sub(1, std::memory_order_seq_cst);
  }
}

MAPGUARD_ABI void __mapguard_write_end(void *Map, const Site *S,
                                       uintptr_t Token) {
  if (Token == 0)
    return;
  uintptr_t Addr = uintptr_t(Map);
  // The thread has an index: its begin hook gave it one.
  uint64_t MyKey = MakeKey(Addr, t_thread_index);
  Slot *Mine = TokenSlot(Token);
  if (Token & kBiasedTokenBit)
    return BiasedRelease(*Mine, MyKey, S);
  // The common case: a write at home (the token's low bit clear), nobody
  // away from home in the bucket, and our key still in the slot.
  bool Unusual = (Token & kAwayTokenBit) |
                 (BucketOf(Mine).away.load(std::memory_order_seq_cst) != 0) |
                 (Mine->key.load(std::memory_order_relaxed) != MyKey);
  if (UNLIKELY(Unusual))
    return StrictEndSlow(Map, S, Token);
  Mine->site.store(EndedSite(S), std::memory_order_relaxed);
  Mine->key.store(MyKey | kTombBit, std::memory_order_release);
}

uint64_t __mapguard::UntrackedWriteCount() {
  return g_untracked_writes.load(std::memory_order_relaxed);
}
