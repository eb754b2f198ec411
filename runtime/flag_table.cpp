//===-- flag_table.cpp - What happens when two writers meet ---------------===//
//
// The four hooks of mapguard_abi.h and the tables behind them. The pass calls
// a begin hook just before every write to a std map and the matching end hook
// on every way out of that call; between the two, the writing thread holds a
// flag for the map in a table. A second thread that finds a flag for the
// same map held by someone else has found two concurrent writers: the report
// (report.cpp) names both sites, as Go does with "concurrent map writes".
//
// Two tables, one per mode:
//
//   strict (default)  4096 buckets of 3 slots, each map with a home slot;
//                     claims are seq_cst CASes and every overlapping pair
//                     of writers is reported.
//   fast              16384 direct-mapped slots, relaxed loads and stores
//                     only (plain movs); best effort, like Go's own check.
//
// Neither mode ever reports a false positive: a slot holds a key only while
// its owner is between begin and end, and the key carries the map's address.
//
// The hot path takes no lock, makes no system call and calls nothing in a
// shared library: one initial-exec TLS load, a hash, a few atomic accesses.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <atomic>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAPGUARD_INTERFACE extern "C" __attribute__((visibility("default")))
#define LIKELY(X) __builtin_expect(!!(X), 1)
#define UNLIKELY(X) __builtin_expect(!!(X), 0)

using namespace __mapguard;

namespace __mapguard {
struct Slot {
  std::atomic<uint64_t> key; // MakeKey(map, thread index); 0 = empty
  std::atomic<const Site *> site;
};
static_assert(sizeof(Slot) == 16, "pass/HookEmitter.cpp: { i64, ptr }");

struct alignas(64) Bucket {
  Slot slots[kSlotsPerBucket];
  // Writes in progress in this bucket away from their map's home slot.
  std::atomic<uint64_t> overflow;
  uint64_t unused;
};
static_assert(sizeof(Bucket) == 64, "a strict bucket is one cache line");
} // namespace __mapguard


//===----------------------------------------------------------------------===//
// Thread identity
//===----------------------------------------------------------------------===//

// 0 = not registered yet. Initial-exec TLS: a single %fs-relative load, no
// call to __tls_get_addr.
// Exported: the fast path the pass emits inline reads it.
extern "C" __attribute__((visibility("default"))) __thread uint16_t
    __mapguard_thread_index __attribute__((tls_model("initial-exec")));
__thread uint16_t __mapguard_thread_index;
#define t_thread_index __mapguard_thread_index
// The next index to hand out. After 65535 thread creations indices wrap and
// two live threads may share one; each then takes the other's flag for its
// own nested write, so sharing can only hide a conflict between those two,
// never invent one.
static std::atomic<uint32_t> g_next_thread_index{1};
// Kernel thread ids by index, for reports.
static std::atomic<int32_t> g_thread_tid[1u << kThreadIndexBits];
// Thread names by index as they were at registration (16 bytes with the
// NUL, in two words): a report names a thread that has exited since, whose
// /proc/self/task/<tid>/comm is gone, by them.
static std::atomic<uint64_t> g_thread_name[1u << kThreadIndexBits][2];

static int32_t GetTid() { return int32_t(syscall(SYS_gettid)); }

__attribute__((noinline, cold)) static uint16_t RegisterThread() {
  uint16_t Index;
  do
    Index =
        uint16_t(g_next_thread_index.fetch_add(1, std::memory_order_relaxed));
  while (Index == 0);
  g_thread_tid[Index].store(GetTid(), std::memory_order_relaxed);
  uint64_t Name[2] = {0, 0};
  prctl(PR_GET_NAME, Name, 0, 0, 0);
  g_thread_name[Index][0].store(Name[0], std::memory_order_relaxed);
  g_thread_name[Index][1].store(Name[1], std::memory_order_relaxed);
  t_thread_index = Index;
  return Index;
}

// Asks for P's cache line in exclusive state: the loads and the CAS or
// stores that follow then cost one transfer from another core, not two
// (a load alone would fetch it shared, and the write upgrade it after).
// PREFETCHW is a no-op on x86-64 processors that predate it.
static inline void PrefetchForWrite(const void *P) {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char *>(P)));
#else
  __builtin_prefetch(P, /*rw=*/1);
#endif
}

static inline uint16_t ThreadIndex() {
  uint16_t Index = t_thread_index;
  if (LIKELY(Index != 0))
    return Index;
  return RegisterThread();
}

uint16_t __mapguard::CurrentThreadIndex() { return ThreadIndex(); }

int32_t __mapguard::ThreadTid(uint16_t Index) {
  return g_thread_tid[Index].load(std::memory_order_relaxed);
}

void __mapguard::RegisteredThreadName(uint16_t Index, char *Name) {
  uint64_t Words[2] = {g_thread_name[Index][0].load(std::memory_order_relaxed),
                       g_thread_name[Index][1].load(std::memory_order_relaxed)};
  __builtin_memcpy(Name, Words, 16);
  Name[16] = 0;
}

//===----------------------------------------------------------------------===//
// The tables
//===----------------------------------------------------------------------===//

// Exported: the read check the pass emits inline scans a bucket
// (pass/HookEmitter.cpp mirrors StrictBucketIndex and the key layout).
extern "C" __attribute__((visibility("default"))) Bucket
    __mapguard_strict_table[1u << kStrictBucketBits];
Bucket __mapguard_strict_table[1u << kStrictBucketBits];
#define g_strict_table __mapguard_strict_table
// Exported: the fast path the pass emits inline claims and releases slots in
// it (pass/HookEmitter.cpp mirrors FastSlotIndex and the key layout).
extern "C" __attribute__((visibility("default"))) alignas(64) Slot
    __mapguard_fast_table[1u << kFastSlotBits];
alignas(64) Slot __mapguard_fast_table[1u << kFastSlotBits];
#define g_fast_table __mapguard_fast_table

extern "C" __attribute__((visibility("default"))) uint8_t __mapguard_fast_inline;
uint8_t __mapguard_fast_inline = 1;
static std::atomic<uint64_t> g_untracked_writes;

// A map at address 0 or above 2^48 has no key: the write goes untracked.
static inline bool IsTrackable(uintptr_t Addr) {
  return Addr - 1 < kAddressLimit - 1;
}

//===----------------------------------------------------------------------===//
// Reporting a conflict found in a slot
//===----------------------------------------------------------------------===//

static uint64_t NowNanoseconds() {
  timespec T;
  clock_gettime(CLOCK_MONOTONIC, &T);
  return uint64_t(T.tv_sec) * 1000000000u + uint64_t(T.tv_nsec);
}

// The site of the write that holds Key in S. Its owner stores the site just
// after claiming the slot, so it may not be there yet: wait for it a little
// (about 1 ms). A site counts only if the slot still held Key after it was
// read; once the owner has moved on, its site is unknown.
static const Site *ReadOwnerSite(Slot &S, uint64_t Key) {
  uint64_t Deadline = 0;
  for (;;) {
    const Site *Found = S.site.load(std::memory_order_acquire);
    if (S.key.load(std::memory_order_acquire) != Key)
      return nullptr;
    if (Found && !(uintptr_t(Found) & kEndedSiteBit))
      return Found; // (tagged: the previous write's, still there)
    uint64_t Now = NowNanoseconds();
    if (Deadline == 0)
      Deadline = Now + 1000000;
    else if (Now > Deadline)
      return nullptr;
    sched_yield();
  }
}

// What a strict write's end leaves in its slot's site (kEndedSiteBit).
static inline const Site *EndedSite(const Site *S) {
  return reinterpret_cast<const Site *>(uintptr_t(S) | kEndedSiteBit);
}

// The site of the write whose tombstone Tomb is in S, if S still holds it
// after the site is read: strict mode's tagged site, fast mode's site (which
// stays until the next writer stores its own, just before its key).
static const Site *EndedWriteSite(Slot &S, uint64_t Tomb, bool Fast) {
  const Site *Found = S.site.load(std::memory_order_acquire);
  if (S.key.load(std::memory_order_acquire) != Tomb)
    return nullptr;
  if (Fast)
    return Found;
  if (!(uintptr_t(Found) & kEndedSiteBit))
    return nullptr;
  return reinterpret_cast<const Site *>(uintptr_t(Found) & ~kEndedSiteBit);
}

// The calling thread (writing Addr at MySite) met another thread's key
// OtherKey in OtherSlot. OtherIsSecond: the other thread started writing
// while we were (found by our end hook); otherwise we are the second.
__attribute__((noinline, cold)) static void
ReportSlotConflict(uintptr_t Addr, const Site *MySite, Slot &OtherSlot,
                   uint64_t OtherKey, bool OtherIsSecond,
                   ConflictKind Kind = ConflictKind::Writes) {
  ConflictWriter Me = {MySite, GetTid(), true};
  uint16_t OtherIndex = KeyThreadIndex(OtherKey);
  ConflictWriter Other = {ReadOwnerSite(OtherSlot, OtherKey),
                          ThreadTid(OtherIndex), false, OtherIndex};
  Conflict C;
  C.kind = Kind;
  C.map = Addr;
  C.container = MySite ? MySite->container : nullptr;
  C.second = OtherIsSecond ? Other : Me;
  C.first = OtherIsSecond ? Me : Other;
  ReportConflict(C); // returns only with halt_on_error=0
}

//===----------------------------------------------------------------------===//
// Writer handoffs: making near misses overlap
//===----------------------------------------------------------------------===//
//
// Only writes that overlap in time meet in a table, and racing threads often
// write one map a few microseconds apart rather than at once: the seed's ten
// threads, started one after another, mostly run their writes back to back.
// As TSVD does with near misses, a write that takes a map over from another
// thread holds its flag for handoff_hold_us before it goes on, so that a
// third thread racing in, or the previous writer coming back, meets the flag
// and is reported. A hold only delays: it never reports anything by itself.
//
// Correct programs hand maps over too (a mutex-shared map changes writer at
// every lock handoff), so holds are rate limited by a token bucket: a burst
// of kHoldBurst, then at most one per kHoldCostFactor hold lengths. And a map
// that has been handed over kHoldsPerMap times with holds and no report is
// being handed over correctly: its handoffs hold no more.

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
// another only holds less often). Exported: strict mode's inline claim
// reads it (pass/HookEmitter.cpp), and leaves a handoff to the runtime
// while the map's holds are not spent.
extern "C" __attribute__((visibility("default")))
std::atomic<uint8_t> __mapguard_map_holds[1u << kMapHoldBits];
std::atomic<uint8_t> __mapguard_map_holds[1u << kMapHoldBits];
#define g_map_holds __mapguard_map_holds
static_assert(kMapHoldBits == kStrictBucketBits,
              "the inline claim indexes the hold counters by bucket");

// Holds if the budget allows; true if it did.
__attribute__((noinline, cold)) static bool HoldAfterHandoff() {
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
  timespec T = {time_t(HoldNs / 1000000000), long(HoldNs % 1000000000)};
  while (nanosleep(&T, &T) != 0 && errno == EINTR) {
  }
  return true;
}

// A thread's very first guarded write (or checked read) holds too: two
// threads started one after the other, each writing a shared map a few
// hundred times, would otherwise never overlap (the first is done before the
// second starts).
static __thread bool t_started __attribute__((tls_model("initial-exec")));

// True, after holding, on the calling thread's first guarded operation.
static inline bool HoldIfFirstOfThread() {
  if (LIKELY(t_started))
    return false;
  t_started = true;
  HoldAfterHandoff();
  return true;
}

// A write that found another thread's tombstone of its map, or none:
// Previous is what its claim replaced. Called with the map's flag held.
__attribute__((noinline)) static void NoteHandoff(uintptr_t Addr,
                                                  uint64_t Previous) {
  if (HoldIfFirstOfThread())
    return;
  if (!Previous || KeyAddress(Previous) != Addr)
    return; // no memory of this map's last writer
  // This map, last written by another thread.
  std::atomic<uint8_t> &Holds = g_map_holds[HashAddress(Addr, kMapHoldBits)];
  uint8_t Taken = Holds.load(std::memory_order_relaxed);
  if (Taken < kHoldsPerMap && HoldAfterHandoff())
    Holds.store(uint8_t(Taken + 1), std::memory_order_relaxed);
}

// Called with the map's flag held, in both modes. Previous: what the claimed
// slot held, the tombstone of the map's last write if the table still
// remembers it. Same thread as last time: one compare.
static inline void NoteWriter(uintptr_t Addr, uint64_t MyKey,
                              uint64_t Previous) {
  if (LIKELY(Previous == (MyKey | kTombBit)))
    return;
  NoteHandoff(Addr, Previous);
}

// Stress mode (stress=1), for test suites: a guarded write sleeps a random
// 0..100 us inside its window one time in four, as KCSAN's watchpoints do,
// so that racing writes overlap far more often. Per-thread xorshift state.
static __thread uint32_t t_stress_state
    __attribute__((tls_model("initial-exec")));

__attribute__((noinline, cold)) static void StressDelay() {
  uint32_t X = t_stress_state;
  if (X == 0)
    X = uint32_t(GetTid()) * 2654435761u | 1;
  X ^= X << 13;
  X ^= X >> 17;
  X ^= X << 5;
  t_stress_state = X;
  if (X & 3)
    return;
  timespec T = {0, long((X >> 2) % 100000)};
  while (nanosleep(&T, &T) != 0 && errno == EINTR) {
  }
}

uint64_t __mapguard::HandoffHoldCount() {
  return g_handoff_holds.load(std::memory_order_relaxed);
}

void __mapguard::ResetHandoffHistory() {
  t_handoffs_to_skip = 0;
  for (std::atomic<uint8_t> &Holds : g_map_holds)
    Holds.store(0, std::memory_order_relaxed);
  for (Bucket &B : g_strict_table)
    for (Slot &S : B.slots)
      if (S.key.load(std::memory_order_relaxed) & kTombBit)
        S.key.store(0, std::memory_order_relaxed);
  for (Slot &S : g_fast_table)
    if (S.key.load(std::memory_order_relaxed) & kTombBit)
      S.key.store(0, std::memory_order_relaxed);
  g_hold_budget_ns.store(0, std::memory_order_relaxed);
}

//===----------------------------------------------------------------------===//
// Strict mode
//===----------------------------------------------------------------------===//
//
// A bucket is one cache line: three slots and an overflow count. A slot
// holds 0 (never used), the key of a write in progress, or a tombstone: the
// key of the last write to end there with kTombBit set. A tombstone is free
// for anyone and doubles as the map's last writer, which tells a handoff
// from a thread writing its own map again without touching a second line.
//
// Each map has a home slot in its bucket (StrictHomeSlot). A writer claims
// its home with a seq_cst CAS when it is free and then loads the bucket's
// overflow count: when that is 0, no write of any map is in progress outside
// its home slot in this bucket, so no other slot can hold a write of this
// map, and there is nothing else to look at. Its end hook loads the count
// again before it releases the slot.
//
// A writer whose home slot holds another map's write overflows: it claims
// another free slot (CAS), increments the count (seq_cst), and then scans
// every other slot of the bucket, home included; its end hook scans them
// all again before it releases its slot and then decrements the count.
//
// Complete: take two writers of one map whose calls overlap.
//   - Both at home: the home slot holds one key at a time, so the second to
//     arrive finds the first's key there (reported), or the first had
//     released it, and then the first's call had returned.
//   - Both overflowing: each claims, then scans the other's slot (seq_cst
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
// Free of false positives: a key without kTombBit is present only while its
// owner is between begin and end (every begin is matched by an end on every
// path), two maps that share a bucket have different keys, and so a map born
// at a dead map's address finds no stale key.
//
// The common case, a thread writing a map whose home slot is free, is about
// fifteen instructions and one cache line; the line comes from another core
// only when another thread wrote a map of this bucket last, as at every
// lock handoff of a map shared under a mutex. The pass emits that case
// inline (pass/HookEmitter.cpp) whenever the runtime need not see the claim
// (not at a handoff that may still hold, not on a thread's first write, not
// under stress), so the begin and end hooks below run for the rest, and for
// every write under -mapguard-inline=0. The begin hook asks for the line in
// exclusive state at once (PREFETCHW), so the load and the CAS that follow
// cost one transfer, not two.

static inline Bucket &StrictBucket(uintptr_t Addr) {
  return g_strict_table[StrictBucketIndex(Addr)];
}

static inline Slot &HomeSlot(uintptr_t Addr) {
  return StrictBucket(Addr).slots[StrictHomeSlot(Addr)];
}

// A strict token is the claimed slot, with the low bit set when the write
// is away from its map's home slot (slots are 16-byte aligned).
constexpr uintptr_t kOverflowToken = 1;
static inline uintptr_t MakeToken(Slot *Mine, bool Overflowed) {
  return uintptr_t(Mine) | (Overflowed ? kOverflowToken : 0);
}
static inline Slot *TokenSlot(uintptr_t Token) {
  return reinterpret_cast<Slot *>(Token & ~kOverflowToken);
}

static inline Bucket &BucketOf(const Slot *S) {
  return *reinterpret_cast<Bucket *>(uintptr_t(S) & ~uintptr_t(sizeof(Bucket) - 1));
}

// Claims a free slot of B other than Home for MyKey, preferring the map's
// own tombstone, then an empty slot, then another map's tombstone; null if
// every other slot holds a write in progress. *Previous receives what the
// slot held.
static Slot *TryClaimOverflow(Bucket &B, Slot *Home, uintptr_t Addr,
                              uint64_t MyKey, const Site *S,
                              uint64_t *Previous) {
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
    if (Best->key.compare_exchange_strong(BestKey, MyKey,
                                          std::memory_order_seq_cst)) {
      // Release pairs with ReadOwnerSite's acquire: a reader that sees the
      // site also sees the key it belongs to.
      Best->site.store(S, std::memory_order_release);
      *Previous = BestKey;
      return Best;
    }
    // Another writer took that slot first: look again.
  }
}

// Gives back a slot claimed for a write that turned out to be nested (or,
// under the stand-alone claim of the tests, never scanned).
static inline void Unclaim(Slot &Mine, uint64_t Previous, bool Overflowed) {
  Mine.site.store(nullptr, std::memory_order_relaxed);
  Mine.key.store(Previous, std::memory_order_release);
  if (Overflowed)
    BucketOf(&Mine).overflow.fetch_sub(1, std::memory_order_seq_cst);
}

// Reports every write of Addr in progress in B by another thread, except
// in Mine and the one already reported; true if the calling thread itself
// holds Addr in a slot other than Mine (a nested write).
static bool ScanForOthers(Bucket &B, Slot *Mine, uintptr_t Addr,
                          uint64_t MyKey, const Site *S, uint64_t *Reported) {
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
static uintptr_t FinishClaim(Bucket &B, Slot *Mine, bool Overflowed,
                             uintptr_t Addr, uint64_t MyKey, const Site *S,
                             uint64_t Previous, uint64_t *Reported) {
  // 2. Is anyone else writing this map, or did someone claim it while we
  // were claiming? (At home with a count of 0, nobody can be elsewhere.)
  if ((Overflowed || B.overflow.load(std::memory_order_seq_cst) != 0) &&
      ScanForOthers(B, Mine, Addr, MyKey, S, Reported)) {
    Unclaim(*Mine, Previous, Overflowed); // the outer write holds the map
    return 0;
  }
  NoteWriter(Addr, MyKey, Previous);
  if (UNLIKELY(g_options.stress))
    StressDelay();
  return MakeToken(Mine, Overflowed);
}

// Claims Addr's home slot if it is free, else an overflow slot (counted);
// reports nothing. Mine is null when every slot holds a write in progress.
struct Claimed {
  Slot *Mine;
  bool Overflowed;
  uint64_t Previous;
};
static Claimed ClaimSlot(uintptr_t Addr, uint64_t MyKey, const Site *S) {
  Bucket &B = StrictBucket(Addr);
  Slot &Home = HomeSlot(Addr);
  uint64_t Key = Home.key.load(std::memory_order_relaxed);
  while (!IsActiveKey(Key)) {
    if (Home.key.compare_exchange_weak(Key, MyKey, std::memory_order_seq_cst)) {
      Home.site.store(S, std::memory_order_release);
      return {&Home, false, Key};
    }
  }
  uint64_t Previous = 0;
  Slot *Mine = TryClaimOverflow(B, &Home, Addr, MyKey, S, &Previous);
  if (Mine) // counted after the claim: see the argument above
    B.overflow.fetch_add(1, std::memory_order_seq_cst);
  return {Mine, true, Previous};
}

uintptr_t __mapguard::StrictClaim(uintptr_t Addr, const Site *S) {
  if (!IsTrackable(Addr))
    return 0;
  Claimed C = ClaimSlot(Addr, MakeKey(Addr, ThreadIndex()), S);
  if (!C.Mine)
    return 0;
  return MakeToken(C.Mine, C.Overflowed);
}

// Everything the begin hook's common case leaves out: the thread's first
// write, stress, a home slot held by a write or a lost CAS.
__attribute__((noinline)) static uintptr_t StrictBeginSlow(uintptr_t Addr,
                                                          const Site *S) {
  if (UNLIKELY(!IsTrackable(Addr)))
    return 0;
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  Bucket &B = StrictBucket(Addr);
  Slot &Home = HomeSlot(Addr);
  // With halt_on_error=0 a conflict is reported once and the write goes on:
  // remember whom we reported so that a rescan does not repeat it.
  uint64_t Reported = 0;
  for (unsigned Retry = 0;; ++Retry) {
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
    if (C.Mine)
      return FinishClaim(B, C.Mine, C.Overflowed, Addr, MyKey, S, C.Previous,
                         &Reported);
    // Every slot holds a write: report any of them that writes this map,
    // then wait for one to end, or give up.
    if (ScanForOthers(B, nullptr, Addr, MyKey, S, &Reported))
      return 0;
    if (Retry == kMaxClaimRetries) {
      g_untracked_writes.fetch_add(1, std::memory_order_relaxed);
      return 0;
    }
    sched_yield();
  }
}

// NoteHandoff, then the token: a tail call for the common case.
__attribute__((noinline)) static uintptr_t
HandoffThenToken(uintptr_t Addr, uint64_t Previous, Slot *Mine) {
  NoteHandoff(Addr, Previous);
  return uintptr_t(Mine);
}

// Step 2 of a home claim made by the common case, when some write of the
// bucket is away from its home: FinishClaim scans.
__attribute__((noinline)) static uintptr_t
StrictBeginScan(Slot *Mine, uintptr_t Addr, uint64_t MyKey, const Site *S,
                uint64_t Previous) {
  uint64_t Reported = 0;
  return FinishClaim(BucketOf(Mine), Mine, false, Addr, MyKey, S, Previous,
                     &Reported);
}

// The common case, in straight-line code: a registered thread, no stress,
// a free home slot. The same seq_cst CAS and load of the count as the
// general code's, so the argument above holds for it unchanged; anything
// unusual goes to the general path.
MAPGUARD_INTERFACE uintptr_t __mapguard_write_begin(void *Map, const Site *S) {
  uintptr_t Addr = uintptr_t(Map);
  uint16_t Index = t_thread_index;
  if (UNLIKELY(!IsTrackable(Addr) || Index == 0 || g_options.stress))
    return StrictBeginSlow(Addr, S);
  uint64_t MyKey = MakeKey(Addr, Index);
  Slot *Mine = &HomeSlot(Addr);
  PrefetchForWrite(Mine);
  uint64_t Previous = Mine->key.load(std::memory_order_relaxed);
  if (UNLIKELY(IsActiveKey(Previous)) ||
      UNLIKELY(!Mine->key.compare_exchange_strong(Previous, MyKey,
                                                  std::memory_order_seq_cst)))
    return StrictBeginSlow(Addr, S);
  Mine->site.store(S, std::memory_order_release);
  if (UNLIKELY(BucketOf(Mine).overflow.load(std::memory_order_seq_cst) != 0))
    return StrictBeginScan(Mine, Addr, MyKey, S, Previous);
  // The map's last write was another thread's (or another map's), and
  // NoteHandoff may still have something to do (the thread's first hold,
  // or the map's). Computed without branches: a map shared under a mutex
  // changes hands at random.
  bool Handoff = (Previous != (MyKey | kTombBit)) &
                 (!t_started | (g_map_holds[HashAddress(Addr, kMapHoldBits)]
                                    .load(std::memory_order_relaxed) <
                                kHoldsPerMap));
  if (UNLIKELY(Handoff))
    return HandoffThenToken(Addr, Previous, Mine);
  return uintptr_t(Mine);
}

// The end hook's general case: an overflowed write, a bucket with writes
// away from home, a slot that is no longer ours. (It takes the hook's own
// arguments, so that the common case need keep nothing across the call.)
__attribute__((noinline)) static void
StrictEndSlow(void *Map, const Site *S, uintptr_t Token) {
  uintptr_t Addr = uintptr_t(Map);
  uint64_t MyKey = MakeKey(Addr, t_thread_index);
  bool Overflowed = Token & kOverflowToken;
  Slot *Mine = TokenSlot(Token);
  Bucket &B = BucketOf(Mine);
  // Did someone start writing this map while we were?
  for (Slot &Other : B.slots) {
    if (&Other == Mine)
      continue;
    uint64_t Key = Other.key.load(std::memory_order_seq_cst);
    if (UNLIKELY(IsActiveKey(Key) && KeyAddress(Key) == Addr) &&
        Key != MyKey)
      ReportSlotConflict(Addr, S, Other, Key, /*OtherIsSecond=*/true);
  }
  // Release, leaving the tombstone. (The slot is someone else's only if a
  // fork cleared the table while this write was open; then leave it alone,
  // and the count, which the fork reset.)
  if (LIKELY(Mine->key.load(std::memory_order_relaxed) == MyKey)) {
    Mine->site.store(EndedSite(S), std::memory_order_relaxed);
    Mine->key.store(MyKey | kTombBit, std::memory_order_release);
    if (Overflowed)
      B.overflow.fetch_sub(1, std::memory_order_seq_cst);
  }
}

MAPGUARD_INTERFACE void __mapguard_write_end(void *Map, const Site *S,
                                             uintptr_t Token) {
  if (Token == 0)
    return;
  uintptr_t Addr = uintptr_t(Map);
  // The thread has an index: its begin hook gave it one.
  uint64_t MyKey = MakeKey(Addr, t_thread_index);
  Slot *Mine = TokenSlot(Token);
  // The common case: a write at home (the token's low bit clear), nobody
  // away from home in the bucket, and our key still in the slot.
  bool Unusual = (Token & kOverflowToken) |
                 (BucketOf(Mine).overflow.load(std::memory_order_seq_cst) != 0) |
                 (Mine->key.load(std::memory_order_relaxed) != MyKey);
  if (UNLIKELY(Unusual))
    return StrictEndSlow(Map, S, Token);
  Mine->site.store(EndedSite(S), std::memory_order_relaxed);
  Mine->key.store(MyKey | kTombBit, std::memory_order_release);
}

//===----------------------------------------------------------------------===//
// Fast mode
//===----------------------------------------------------------------------===//
//
// One slot per hash value and no read-modify-write. A slot holds 0 (never
// used), the key of a write in progress, or a tombstone: the key of the last
// write to end there, with kTombBit set. A writer that finds the slot free
// (0 or a tombstone) stores its key, one that finds another map's write in
// progress goes untracked. Two writers that both read the slot free both
// store; the one overwritten finds the other's key, or its tombstone, for its
// own map at its end hook. Keys appear only between their owner's begin and
// end, and a tombstone only after another thread stored over a key, so a
// report is always a real overlap.
//
// The pass emits the common case inline (pass/HookEmitter.cpp): a write
// that finds its own thread's tombstone for its map claims the slot with two
// plain stores, and its end turns the key back into the tombstone; anything
// else calls the hooks below. A write that finds another thread's tombstone
// for its map takes the map over: a handoff.

uintptr_t __mapguard::FastClaim(uintptr_t Addr, const Site *S) {
  if (!IsTrackable(Addr))
    return 0;
  Slot &Mine = g_fast_table[FastSlotIndex(Addr)];
  Mine.site.store(S, std::memory_order_relaxed);
  Mine.key.store(MakeKey(Addr, ThreadIndex()), std::memory_order_release);
  return uintptr_t(&Mine);
}

MAPGUARD_INTERFACE uintptr_t __mapguard_write_begin_fast(void *Map,
                                                         const Site *S) {
  uintptr_t Addr = uintptr_t(Map);
  if (UNLIKELY(!IsTrackable(Addr)))
    return 0;
  uint64_t MyKey = MakeKey(Addr, ThreadIndex());
  Slot &Mine = g_fast_table[FastSlotIndex(Addr)];
  PrefetchForWrite(&Mine); // the stores below need it exclusive
  uint64_t Key = Mine.key.load(std::memory_order_relaxed);
  if (LIKELY(!IsActiveKey(Key))) {
    // The site before the key: a reader that sees the key sees the site.
    Mine.site.store(S, std::memory_order_relaxed);
    Mine.key.store(MyKey, std::memory_order_release);
    NoteWriter(Addr, MyKey, Key);
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

MAPGUARD_INTERFACE void __mapguard_write_end_fast(void *Map, const Site *S,
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
  } else if (KeyAddress(Key) == Addr && KeyThreadIndex(Key) !=
                                            KeyThreadIndex(MyKey)) {
    // Another thread stored over our key: it wrote this map while we were
    // (and may have finished since: its tombstone). Its own end hook, if it
    // has not run yet, releases the slot.
    ReportSlotConflict(Addr, S, Mine, Key, /*OtherIsSecond=*/true);
  }
  // Otherwise another map's writer took the slot over; it will release it.
}

//===----------------------------------------------------------------------===//
// Reads and iteration
//===----------------------------------------------------------------------===//
//
// A lookup, or the start of an iteration, checks that no other thread is
// writing the map, as Go's map reads do. Readers mark nothing, so readers
// never meet each other, and a read never slows a writer down. Like Go's,
// the check is a snapshot: it sees a write that is in progress at that
// instant (the handoff holds make that likelier), not one that starts
// during the rest of the read.

static inline void CheckNoOtherWriter(uintptr_t Addr, const Site *S,
                                      Slot &Candidate, uint16_t Me,
                                      ConflictKind Kind) {
  uint64_t Key = Candidate.key.load(std::memory_order_acquire);
  if (UNLIKELY(IsActiveKey(Key) && KeyAddress(Key) == Addr &&
               KeyThreadIndex(Key) != Me))
    ReportSlotConflict(Addr, S, Candidate, Key, /*OtherIsSecond=*/false,
                       Kind);
}

// Reports a write of Addr by another thread in progress in any slot of
// Addr's strict bucket (Fast: in Addr's fast slot).
template <bool Fast>
static inline void LookForWriter(uintptr_t Addr, const Site *S,
                                 ConflictKind Kind) {
  uint16_t Me = ThreadIndex();
  if (Fast) {
    CheckNoOtherWriter(Addr, S, g_fast_table[FastSlotIndex(Addr)], Me, Kind);
    return;
  }
  for (Slot &Candidate : StrictBucket(Addr).slots)
    CheckNoOtherWriter(Addr, S, Candidate, Me, Kind);
}

// Under stress the inline read check always calls the runtime (pass/
// HookEmitter.cpp), and a reader sleeps as often as a writer does before it
// looks: a reader that arrives later meets writes that a quick one misses.
// A thread's first read comes here too (it has no thread index yet): it
// looks, holds as a thread's first write does, and looks again. The first
// look finds a writer that started earlier and is holding its own first
// write (the reader's hold would otherwise let it finish unseen); the
// second, a writer started just after the reader.
template <bool Fast>
static inline void CheckRead(void *Map, const Site *S, ConflictKind Kind) {
  uintptr_t Addr = uintptr_t(Map);
  bool Trackable = IsTrackable(Addr);
  if (UNLIKELY(t_thread_index == 0)) {
    ThreadIndex(); // registers the thread: its next reads stay inline
    if (Trackable)
      LookForWriter<Fast>(Addr, S, Kind);
    HoldIfFirstOfThread();
  }
  if (UNLIKELY(g_options.stress))
    StressDelay();
  if (LIKELY(Trackable))
    LookForWriter<Fast>(Addr, S, Kind);
}

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
  Slot &Home = Fast ? g_fast_table[FastSlotIndex(Addr)] : HomeSlot(Addr);
  uint64_t Key = Home.key.load(std::memory_order_acquire);
  uint64_t Found = 0;
  if (IsActiveKey(Snapshot) && KeyAddress(Snapshot) == Addr &&
      KeyThreadIndex(Snapshot) != Me)
    Found = Snapshot;
  else if (Key != Snapshot && !IsActiveKey(Snapshot) && (Key & kTombBit) &&
           KeyAddress(Key) == Addr && KeyThreadIndex(Key) != Me)
    Found = Key;
  if (LIKELY(!Found))
    return;
  ConflictWriter Reader = {S, GetTid(), true};
  // Named only if the slot still holds the write's tombstone (Found is
  // either that tombstone or the write's key).
  ConflictWriter Writer = {EndedWriteSite(Home, Found | kTombBit, Fast),
                           ThreadTid(KeyThreadIndex(Found)), false,
                           KeyThreadIndex(Found)};
  Writer.ended = true;
  Conflict C;
  C.kind = Kind;
  C.map = Addr;
  C.container = S ? S->container : nullptr;
  C.second = Reader;
  C.first = Writer;
  ReportConflict(C); // returns only with halt_on_error=0
}

MAPGUARD_INTERFACE void __mapguard_read_window(void *Map, const Site *S,
                                               uint64_t Snapshot) {
  CheckReadWindow<false>(Map, S, Snapshot, ConflictKind::ReadWrite);
}
MAPGUARD_INTERFACE void __mapguard_read_window_fast(void *Map, const Site *S,
                                                    uint64_t Snapshot) {
  CheckReadWindow<true>(Map, S, Snapshot, ConflictKind::ReadWrite);
}
// The same for an iteration (begin() before a loop over the map): an
// iteration window, checked where the loop ends.
MAPGUARD_INTERFACE void __mapguard_iterate_window(void *Map, const Site *S,
                                                  uint64_t Snapshot) {
  CheckReadWindow<false>(Map, S, Snapshot, ConflictKind::IterationWrite);
}
MAPGUARD_INTERFACE void __mapguard_iterate_window_fast(void *Map, const Site *S,
                                                       uint64_t Snapshot) {
  CheckReadWindow<true>(Map, S, Snapshot, ConflictKind::IterationWrite);
}

MAPGUARD_INTERFACE void __mapguard_stress_tick() {
  if (g_options.stress)
    StressDelay();
}

MAPGUARD_INTERFACE void __mapguard_read(void *Map, const Site *S) {
  CheckRead<false>(Map, S, ConflictKind::ReadWrite);
}
MAPGUARD_INTERFACE void __mapguard_iterate(void *Map, const Site *S) {
  CheckRead<false>(Map, S, ConflictKind::IterationWrite);
}
MAPGUARD_INTERFACE void __mapguard_read_fast(void *Map, const Site *S) {
  CheckRead<true>(Map, S, ConflictKind::ReadWrite);
}
MAPGUARD_INTERFACE void __mapguard_iterate_fast(void *Map, const Site *S) {
  CheckRead<true>(Map, S, ConflictKind::IterationWrite);
}

//===----------------------------------------------------------------------===//
// Introspection, fork
//===----------------------------------------------------------------------===//

uint64_t __mapguard::SlotKeyForTesting(uintptr_t Addr, bool Fast) {
  Slot &S = Fast ? g_fast_table[FastSlotIndex(Addr)] : HomeSlot(Addr);
  return S.key.load(std::memory_order_acquire);
}

size_t __mapguard::StrictTableOccupancy() {
  size_t N = 0;
  for (Bucket &B : g_strict_table)
    for (Slot &S : B.slots)
      N += IsActiveKey(S.key.load(std::memory_order_relaxed));
  return N;
}

uint64_t __mapguard::StrictOverflowCount() {
  uint64_t N = 0;
  for (Bucket &B : g_strict_table)
    N += B.overflow.load(std::memory_order_relaxed);
  return N;
}

size_t __mapguard::FastTableOccupancy() {
  size_t N = 0;
  for (Slot &S : g_fast_table)
    N += IsActiveKey(S.key.load(std::memory_order_relaxed));
  return N;
}

uint64_t __mapguard::UntrackedWriteCount() {
  return g_untracked_writes.load(std::memory_order_relaxed);
}

// Only slots in use are written, so that the child does not copy every page
// of the tables.
static void ClearSlot(Slot &S) {
  if (S.key.load(std::memory_order_relaxed) ||
      S.site.load(std::memory_order_relaxed)) {
    S.key.store(0, std::memory_order_relaxed);
    S.site.store(nullptr, std::memory_order_relaxed);
  }
}

// The child of fork() has one thread: the writes other threads had open are
// not its own, so it starts with empty tables. The forking thread keeps its
// index under its new kernel thread id.
static void AfterForkInChild() {
  for (Bucket &B : g_strict_table) {
    for (Slot &S : B.slots)
      ClearSlot(S);
    if (B.overflow.load(std::memory_order_relaxed))
      B.overflow.store(0, std::memory_order_relaxed);
  }
  for (Slot &S : g_fast_table)
    ClearSlot(S);
  ResetReportLockAfterFork();
  if (uint16_t Index = t_thread_index)
    g_thread_tid[Index].store(GetTid(), std::memory_order_relaxed);
}

// Registered before user constructors run (priority 101 is the first one
// not reserved for the implementation); see also options.cpp.
__attribute__((constructor(101))) static void InstallForkHandler() {
  pthread_atfork(nullptr, nullptr, AfterForkInChild);
}
