//===-- mapguard_internal.h - What the runtime's files share ----*- C++ -*-===//
//
// The MapGuard runtime: the hooks of mapguard_abi.h and what they need. Every
// file of runtime/ follows these rules:
//
//   - No C++ runtime library: no exceptions, no RTTI, no new/delete, no
//     guarded function-local statics, no standard containers or strings
//     (<atomic> is header-only and allowed). The runtime is linked into C
//     programs too: `nm -u libmapguard_rt.a` must list libc symbols only.
//   - No malloc: tables and buffers are fixed, or mapped on first use
//     (mapped.h). Output is formatted into a fixed buffer (Output) and
//     written with write(2), so that a report is
//     safe from any thread at any time, even inside an allocator.
//   - Never instrumented: the runtime is built without the MapGuard plugin,
//     whose hooks would call themselves.
//   - Every name is in namespace __mapguard with hidden visibility; only the
//     symbols mapguard_abi.h declares are exported (MAPGUARD_ABI).
//   - The hot path (the hooks' common cases and the inline functions below)
//     takes no lock, makes no system call and calls nothing in a shared
//     library: one initial-exec TLS load, a hash, a few atomic accesses.
//     Anything rarer goes into a noinline function, cold when it is rare.
//
// The files, one concern each:
//
//   thread.cpp        thread indices, names and kernel ids; fork's child
//   holds.cpp         handoff holds and stress delays
//   learn.cpp         learn_path: near misses kept from one run to the next
//   strict_table.cpp  strict mode's buckets and hooks
//   bias.cpp          strict mode's biased buckets: claims by plain stores
//   mapped.cpp        tables mapped on first use
//   fast_table.cpp    fast mode's slots and hooks
//   reads.cpp         read and iteration checks, read windows
//   report.cpp        the "concurrent map writes" report, halt or count
//   report_formats.cpp  report_format=json and github
//   profile.cpp       profile_path: where maps change hands between threads
//   options.cpp       MAPGUARD_OPTIONS (options.inc) and startup
//   testing.cpp       introspection for the runtime's own tests
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_INTERNAL_H
#define MAPGUARD_INTERNAL_H

#include "mapguard_abi.h"
#include "options.h"
#include "report.h"

#include <atomic>
#include <stddef.h>
#include <stdint.h>

#define LIKELY(X) __builtin_expect(!!(X), 1)
#define UNLIKELY(X) __builtin_expect(!!(X), 0)

namespace __mapguard {

//===----------------------------------------------------------------------===//
// The tables (mapguard_abi.h has their layout)
//===----------------------------------------------------------------------===//

struct Slot {
  std::atomic<uint64_t> key; // MakeKey(map, thread index); 0 = empty
  std::atomic<const Site *> site;
};
static_assert(sizeof(Slot) == kSlotBytes &&
                  offsetof(Slot, key) == kSlotKeyOffset &&
                  offsetof(Slot, site) == kSlotSiteOffset,
              "a slot as mapguard_abi.h lays it out");

struct alignas(kBucketBytes) Bucket {
  Slot slots[kSlotsPerBucket];
  // Writes in progress in this bucket away from their map's home slot.
  std::atomic<uint64_t> away;
  // The bucket's owner (mapguard_abi.h, "Bias"; bias.cpp).
  std::atomic<uint64_t> bias;
};
static_assert(sizeof(Bucket) == kBucketBytes &&
                  offsetof(Bucket, away) == kBucketAwayOffset &&
                  offsetof(Bucket, bias) == kBucketBiasOffset,
              "a strict bucket as mapguard_abi.h lays it out");

struct MapHoldCount {
  std::atomic<uint8_t> taken;
};
static_assert(sizeof(MapHoldCount) == 1, "one byte per map hash");

inline Bucket &StrictBucket(uintptr_t Addr) {
  return __mapguard_strict_table[StrictBucketIndex(Addr)];
}
inline Slot &HomeSlot(uintptr_t Addr) {
  return StrictBucket(Addr).slots[StrictHomeSlot(Addr)];
}
// The bucket a strict slot (or token) is in.
inline Bucket &BucketOf(const Slot *S) {
  return *reinterpret_cast<Bucket *>(uintptr_t(S) &
                                     ~uintptr_t(kBucketBytes - 1));
}
inline Slot &FastSlot(uintptr_t Addr) {
  return __mapguard_fast_table[FastSlotIndex(Addr)];
}
// One number per home slot of the whole strict table: maps with equal
// numbers share a home slot (tests place maps by it).
inline size_t StrictHomeNumber(uintptr_t Addr) {
  return StrictBucketIndex(Addr) * kSlotsPerBucket + StrictHomeSlot(Addr);
}

// Writes left untracked because their strict bucket stayed full
// (strict_table.cpp; printed at exit with verbosity=1).
uint64_t UntrackedWriteCount();

// Asks for P's cache line in exclusive state: the loads and the CAS or
// stores that follow then cost one transfer from another core, not two (a
// load alone would fetch it shared, and the write upgrade it after).
// PREFETCHW is a no-op on x86-64 processors that predate it.
inline void PrefetchForWrite(const void *P) {
#if defined(__x86_64__)
  asm volatile("prefetchw %0" : : "m"(*static_cast<const char *>(P)));
#else
  __builtin_prefetch(P, /*rw=*/1);
#endif
}

//===----------------------------------------------------------------------===//
// Threads (thread.cpp)
//===----------------------------------------------------------------------===//

// Gives the calling thread an index and records its kernel id and name.
__attribute__((noinline, cold)) uint16_t RegisterThread();

// The calling thread's index (0 until it registers). __mapguard_thread_index
// is its copy for the inline paths, 0 under stress=1.
extern __thread uint16_t t_thread_index
    __attribute__((tls_model("initial-exec")));
// Sets the calling thread's __mapguard_thread_index from t_thread_index and
// the stress option (at registration, and when the options change).
void PublishThreadIndex();

// The calling thread's index, registering the thread on first use.
inline uint16_t ThreadIndex() {
  uint16_t Index = t_thread_index;
  if (LIKELY(Index != 0))
    return Index;
  return RegisterThread();
}
uint16_t CurrentThreadIndex(); // the same, out of line (tests)

// The calling thread's kernel thread id.
int32_t CurrentTid();
// The kernel thread id recorded for an index (0 if none).
int32_t ThreadTid(uint16_t ThreadIndex);
// Into Name (at least 17 bytes): the name the thread of an index had when it
// registered ("" if none).
void RegisteredThreadName(uint16_t ThreadIndex, char *Name);

//===----------------------------------------------------------------------===//
// Biased buckets (bias.cpp)
//===----------------------------------------------------------------------===//

// B's bias word W says the bucket is Me's.
inline bool BiasedTo(uint64_t W, uint16_t Me) {
  return (W & kBiasStateMask) == BiasHeldBy(Me);
}
// Another thread owns the bucket, or it is being taken back: no claim there
// may stand until ResolveBias.
inline bool BiasBlocks(uint64_t W, uint16_t Me) {
  return (W & (kBiasHeldBit | kBiasRevokingBit)) && !BiasedTo(W, Me);
}
// Nobody owns the bucket, and it may be granted.
inline bool BiasGrantable(uint64_t W) {
  return !(W & (kBiasHeldBit | kBiasRevokingBit | kBiasNeverBit));
}
// Strikes (revocations soon after a grant) after which a bucket stays
// unbiased, and what "soon" is: an epoch shorter than this many times the
// revocation's membarrier (bias.cpp; tests change both).
extern unsigned g_max_bias_strikes;
extern uint64_t g_bias_epoch_per_barrier;
// Strikes count only once revocations' membarriers have taken more than
// 1/g_bias_budget_share of the time, beyond a burst of this many ns (tests
// change both; ResetBiasBudget forgets what was spent).
extern uint64_t g_bias_budget_share;
extern uint64_t g_bias_budget_burst_ns;
void ResetBiasBudget();

// At thread registration: points __mapguard_marker at the thread's marker.
void SetUpMarker(uint16_t Index);
// At startup: registers for membarrier (verbosity=1 says if it cannot).
void StartBias();
// Whether buckets may be granted: the bias option, no stress, membarrier.
bool BiasUsable();
// The owner's claim of Home (which holds its tombstone) with plain stores;
// false if the bias was lost meanwhile (then AfterBiasLost, and claim as
// usual). Its end: BiasedRelease.
bool BiasedClaim(Bucket &B, Slot &Home, uint64_t MyKey, const Site *S);
// Its two steps: the marker (site, then key), then the bias looked at again
// (true: still the caller's); then the site and the key.
bool BiasAnnounce(Bucket &B, uint64_t MyKey, const Site *S);
void BiasedStore(Slot &Home, uint64_t MyKey, const Site *S);
void BiasedRelease(Slot &Home, uint64_t MyKey, const Site *S);
// After the owner's marker held MyKey and the bias was found lost: waits
// for the revocation, takes back the key the revoker published, clears the
// marker. Returns at once if the bias is still the caller's.
__attribute__((noinline, cold)) void AfterBiasLost(Bucket &B, Slot &Home,
                                                   uint64_t MyKey);
// Returns once B is neither owned by nor being taken from another thread
// (revoking it if need be).
__attribute__((noinline, cold)) void ResolveBias(Bucket &B, uint16_t Me);
// After Me's claim of its own tombstone in B, whose bias word was W: grants
// Me the bucket if it may.
__attribute__((noinline, cold)) void MaybeGrantBias(Bucket &B, uint16_t Me,
                                                    uint64_t W);
// In fork's child: every bucket unbiased.
void ResetBiasAfterFork();
// Revocations so far.
uint64_t BiasRevocationCount();

//===----------------------------------------------------------------------===//
// Handoff holds and stress (holds.cpp)
//===----------------------------------------------------------------------===//

// Handoff holds are rate limited: a burst of this many, then one per
// kHoldCostFactor hold lengths (so at most 1/kHoldCostFactor of the time).
constexpr unsigned kHoldBurst = 16;
constexpr unsigned kHoldCostFactor = 50;
// After the budget refuses a hold, a thread lets this many handoffs go by
// before it asks again: asking reads the clock, and a map shared under a
// mutex changes writer at nearly every write.
constexpr unsigned kHandoffsBetweenHoldAsks = 64;

// Whether the calling thread has made its first guarded write or checked
// read (which holds).
extern __thread bool t_started __attribute__((tls_model("initial-exec")));

// What a reader's hold does after each of its naps on a busy machine: look
// for a writer of the map (a reader leaves no flag for a writer to meet).
struct HoldLook {
  void (*look)(const HoldLook &);
  uintptr_t addr;
  const Site *site;
  ConflictKind kind;
};

// Holds for handoff_hold_us if the budget allows (Learned: at a site of
// learn_path, busy_hold_us); true if it did. Look: see HoldLook.
__attribute__((noinline, cold)) bool
HoldAfterHandoff(bool Learned = false, const HoldLook *Look = nullptr);

// A thread's first guarded operation: holds as a handoff does, unless the
// process has no other thread.
__attribute__((noinline, cold)) void HoldAtThreadStart(bool Learned,
                                                       const HoldLook *Look);

// True, after holding, on the calling thread's first guarded operation.
inline bool HoldIfFirstOfThread(bool Learned = false,
                                const HoldLook *Look = nullptr) {
  if (LIKELY(t_started))
    return false;
  t_started = true;
  HoldAtThreadStart(Learned, Look);
  return true;
}

// A write at MySite that found another thread's tombstone of its map, or
// none: Previous is what its claim replaced, PreviousSite the site the slot
// held before it (either may belong to another map). Called with the map's
// flag held.
__attribute__((noinline)) void NoteHandoff(uintptr_t Addr, uint64_t Previous,
                                           const Site *MySite,
                                           const Site *PreviousSite);

// Called with the map's flag held, in both modes. Previous: what the claimed
// slot held, the tombstone of the map's last write if the table still
// remembers it. Same thread as last time: one compare.
inline void NoteWriter(uintptr_t Addr, uint64_t MyKey, uint64_t Previous,
                       const Site *MySite, const Site *PreviousSite) {
  if (LIKELY(Previous == (MyKey | kTombBit)))
    return;
  NoteHandoff(Addr, Previous, MySite, PreviousSite);
}

//===----------------------------------------------------------------------===//
// Learning across runs (learn.cpp)
//===----------------------------------------------------------------------===//

// Reads learn_path's site pairs (at startup, after the options).
void LoadLearned();
// Appends the pairs this run recorded to learn_path (at exit).
void SaveLearned();
// Whether S is a site of a pair learn_path held at startup.
bool IsLearnedSite(const Site *S);
// Records that a write at Mine took a map over from another thread's write
// at Previous (with learn_path set).
void RecordHandoff(const Site *Mine, const Site *Previous);

//===----------------------------------------------------------------------===//
// The sharing profile (profile.cpp)
//===----------------------------------------------------------------------===//

// NoteHandoff's record (with profile_path set): a write at MySite claimed
// Addr's slot from Previous (a handoff if it is Addr's tombstone of another
// thread), whose site was PreviousSite; Held: it held.
void ProfileHandoff(uintptr_t Addr, uint64_t Previous, const Site *MySite,
                    const Site *PreviousSite, bool Held);
// Writes the profile to profile_path.<pid> (at exit, and on SIGUSR2).
void SaveProfile();
// At startup, with profile_path set: maps the profile's tables, and installs
// the SIGUSR2 handler if profile_signal asks for it.
void StartProfile();
// In fork's child: the parent's counts are not the child's.
void ResetProfileAfterFork();

// Under stress=1: sleeps a random 0..100 us one time in four.
__attribute__((noinline, cold)) void StressDelay();

uint64_t NowNanoseconds();

//===----------------------------------------------------------------------===//
// Conflicts found in a slot (report.cpp)
//===----------------------------------------------------------------------===//

// The calling thread (writing or reading Addr at MySite) met another
// thread's key OtherKey in OtherSlot. OtherIsSecond: the other thread
// started writing while the caller was (found by its end hook); otherwise
// the caller is the second.
__attribute__((noinline, cold)) void
ReportSlotConflict(uintptr_t Addr, const Site *MySite, Slot &OtherSlot,
                   uint64_t OtherKey, bool OtherIsSecond,
                   ConflictKind Kind = ConflictKind::Writes);

// The calling thread's loop of lookups or iteration at MySite overlapped
// another thread's write of Addr, whose key or tombstone (Found) the end of
// the read window found; its site is named if Home still holds its
// tombstone.
__attribute__((noinline, cold)) void
ReportWindowConflict(uintptr_t Addr, const Site *MySite, Slot &Home,
                     uint64_t Found, bool Fast, ConflictKind Kind);

// What a strict write's end leaves in its slot's site (kEndedSiteBit).
inline const Site *EndedSite(const Site *S) {
  return reinterpret_cast<const Site *>(uintptr_t(S) | kEndedSiteBit);
}

//===----------------------------------------------------------------------===//
// For the runtime's tests (testing.cpp, unless noted)
//===----------------------------------------------------------------------===//

// Step 1 of the strict begin hook alone (strict_table.cpp): claim a free slot
// of Addr's bucket for the calling thread, without looking for other writers
// after. Returns the token, or 0 if the bucket is full. Tests use it to stand
// for a writer whose first scan ran before another writer's claim.
uintptr_t StrictClaim(uintptr_t Addr, const Site *S);
// The fast-mode store alone (fast_table.cpp): overwrite Addr's slot with the
// calling thread's key, as a writer does that read the slot empty just
// before another writer filled it. Returns the token.
uintptr_t FastClaim(uintptr_t Addr, const Site *S);
// The key word a read window's snapshot loads (pass/HookEmitter.cpp,
// emitReadSnapshot): Addr's fast slot, or its strict home slot.
uint64_t SlotKeyForTesting(uintptr_t Addr, bool Fast);

// How many handoff holds were taken (holds.cpp).
uint64_t HandoffHoldCount();
// Forgets every map's last writer and refills the hold budget.
void ResetHandoffHistory();
// Refills the hold budget and every map's holds (holds.cpp).
void ResetHolds();
// Slots currently held (a scan, not a snapshot).
size_t StrictTableOccupancy();
size_t FastTableOccupancy();
// The strict buckets' away counts, summed.
uint64_t StrictAwayCount();

} // namespace __mapguard

#endif // MAPGUARD_INTERNAL_H
