//===-- bias.cpp - Strict mode: claims without a locked instruction -------===//
//
// A strict bucket can be biased to one thread (its `bias` word; the layout is
// in mapguard_abi.h). While it is, that thread's write of a map whose home
// slot holds its own tombstone claims the slot with plain stores, announced
// in its write marker (its own cache line): the marker, then (a compiler
// barrier only) the bias again, then the slot's site and key. Its end stores
// the tombstone, clears the marker, and loads the bias again. Any other
// thread that finds the bucket biased to someone else, after its own claim
// (a seq_cst compare-and-swap, then a seq_cst load of the bias) gives the
// claim back and takes the bucket back first (Revoke): it marks the bias
// revoking (compare-and-swap), runs membarrier(PRIVATE_EXPEDITED), which
// makes every running thread of the process execute a full barrier, and
// then reads the owner's marker. If the owner is writing a map of this
// bucket, the revoker publishes that write's key in its home slot, as a
// compare-and-swap claim would have, and only then makes the bucket unbiased.
// Revocations' membarriers may take 1/g_bias_budget_share of the process's
// time, in bursts of up to g_bias_budget_burst_ns (a rate limit kept as one
// theoretical arrival time, GCRA). Once that budget is spent, a bucket
// whose bias keeps being taken back soon after it was granted (a map handed
// between threads at nearly every write: a membarrier per handoff would
// cost more than the compare-and-swaps it saves) stays unbiased for good:
// each revocation after an epoch shorter than g_bias_epoch_per_barrier
// times its membarrier is then a strike, each one after a longer epoch
// takes one back, and g_max_bias_strikes strikes end it.
//
// Why every overlap of two writes of one map is still found (the unbiased
// argument is in strict_table.cpp): let T's write W be biased, and O's write
// of the same map overlap it.
//   - O claims in the bucket only after its load of the bias found it
//     neither held nor revoking by another thread. Had T been granted the
//     bucket before O's claim, O's load (after its claim, both seq_cst)
//     would see it; had it been granted after, T's grant scan (after its
//     grant, both seq_cst) would find O's key and give the bias back. So O's
//     claim follows a revocation of the bias under which W was made.
//   - That revocation's barrier came after W's check of the bias (which
//     still found T's bias), so W's marker, stored before the check, is
//     visible to the revoker's read, unless W had already ended (the marker
//     is cleared after the tombstone is stored). So the revoker publishes
//     W's key at the map's home slot before the bucket becomes unbiased,
//     where O's claim finds it (a conflict), or W had ended before O began.
//   - A published key is taken back by T: T's end clears the marker, then
//     loads the bias; if the revoker read the marker before it was cleared,
//     that load follows the barrier and sees the bias gone (asymmetric
//     Dekker), so T waits for the revocation to finish and turns its key
//     back into its tombstone (AfterBiasLost). A key is thus in a slot only
//     between its write's begin and end: no false report.
// A revoker never waits for T's write (which runs the program's code) to
// end; it waits only for a slot that another thread holds for a moment.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <linux/membarrier.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace __mapguard;

// The bias word above its state: a count of short epochs (strikes), and
// when the bucket was granted, in microseconds (1,024 ns) modulo 2^24.
constexpr unsigned kBiasCountShift = 24;
constexpr uint64_t kBiasCountMax = 0xffff;
constexpr unsigned kBiasTimeShift = 40;
constexpr uint64_t kBiasTimeMask = (uint64_t(1) << 24) - 1;

// A revoker waits this many yields at most for a slot held for a moment.
constexpr unsigned kPublishTries = 10000;
// One marker per thread index, each on its own cache line: the key of the
// write it announces, then that write's site.
constexpr size_t kMarkerWords = kBucketBytes / sizeof(uint64_t);
constexpr size_t kMarkerBytes = size_t(kThreadIndexMask + 1) * kBucketBytes;

__thread uint64_t *__mapguard_marker __attribute__((tls_model("initial-exec")));
// A thread's marker when the markers could not be mapped (no bias then).
static __thread uint64_t t_own_marker[2]
    __attribute__((tls_model("initial-exec")));

static std::atomic<uint64_t *> g_markers;
// membarrier: 0 not asked yet (before startup), 1 registered, -1 unavailable.
static std::atomic<int> g_membarrier;
static std::atomic<uint64_t> g_revocations;
unsigned __mapguard::g_max_bias_strikes = 4;
uint64_t __mapguard::g_bias_epoch_per_barrier = 10;
uint64_t __mapguard::g_bias_budget_share = 100;
uint64_t __mapguard::g_bias_budget_burst_ns = 1000000;
// When the budget allows the next barrier (its theoretical arrival time).
static std::atomic<uint64_t> g_budget_tat;

static inline uint64_t LoadMarker(const uint64_t *M) {
  return __atomic_load_n(M, __ATOMIC_ACQUIRE);
}
static inline void StoreMarker(uint64_t *M, uint64_t Value) {
  __atomic_store_n(M, Value, __ATOMIC_RELAXED);
}

void __mapguard::SetUpMarker(uint16_t Index) {
  uint64_t *Base = g_markers.load(std::memory_order_acquire);
  if (!Base) {
    void *Mapped = mmap(nullptr, kMarkerBytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (Mapped != MAP_FAILED) {
      uint64_t *Fresh = static_cast<uint64_t *>(Mapped);
      if (g_markers.compare_exchange_strong(Base, Fresh,
                                            std::memory_order_acq_rel))
        Base = Fresh;
      else
        munmap(Mapped, kMarkerBytes);
    }
  }
  __mapguard_marker = Base ? Base + size_t(Index) * kMarkerWords : t_own_marker;
}

static uint64_t *MarkerOf(uint16_t Index) {
  return g_markers.load(std::memory_order_acquire) +
         size_t(Index) * kMarkerWords;
}

void __mapguard::StartBias() {
  if (!g_options.bias)
    return; // (g_membarrier stays 0: never usable)
  long Cmds = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  bool Ok = Cmds > 0 && (Cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
            syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                    0, 0) == 0;
  g_membarrier.store(Ok ? 1 : -1, std::memory_order_release);
  if (!Ok && g_options.verbosity >= 1) {
    char Buf[192];
    int Fd = OpenLogFd();
    Output Out(Fd, Buf, sizeof(Buf));
    Out.pid().str("MapGuard: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) is "
                  "unavailable: strict mode claims every write with a "
                  "compare-and-swap\n");
    Out.flush();
    CloseLogFd(Fd);
  }
}

bool __mapguard::BiasUsable() {
  return g_options.bias && !g_options.stress &&
         g_markers.load(std::memory_order_relaxed) &&
         g_membarrier.load(std::memory_order_acquire) > 0;
}

static uint64_t NowMicros() { return (NowNanoseconds() >> 10) & kBiasTimeMask; }

// The bias word after a revocation or a refused grant: Strikes (+1, 0 or
// -1, a long epoch) added to its count; kBiasNeverBit at g_max_bias_strikes.
static uint64_t Unbiased(uint64_t W, int Strikes) {
  uint64_t Count = (W >> kBiasCountShift) & kBiasCountMax;
  if (Strikes > 0)
    Count += Count < kBiasCountMax;
  else if (Strikes < 0)
    Count -= Count > 0;
  return (Count << kBiasCountShift) |
         (Count >= g_max_bias_strikes ? kBiasNeverBit : 0);
}

bool __mapguard::BiasAnnounce(Bucket &B, uint64_t MyKey, const Site *S) {
  __atomic_store_n(&__mapguard_marker[1], uintptr_t(S), __ATOMIC_RELAXED);
  __atomic_store_n(__mapguard_marker, MyKey, __ATOMIC_RELEASE);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return BiasedTo(B.bias.load(std::memory_order_acquire),
                  KeyThreadIndex(MyKey));
}

void __mapguard::BiasedStore(Slot &Home, uint64_t MyKey, const Site *S) {
  Home.site.store(S, std::memory_order_relaxed);
  Home.key.store(MyKey, std::memory_order_release);
}

bool __mapguard::BiasedClaim(Bucket &B, Slot &Home, uint64_t MyKey,
                             const Site *S) {
  if (UNLIKELY(!BiasAnnounce(B, MyKey, S)))
    return false;
  BiasedStore(Home, MyKey, S);
  return true;
}

void __mapguard::BiasedRelease(Slot &Home, uint64_t MyKey, const Site *S) {
  if (LIKELY(Home.key.load(std::memory_order_relaxed) == MyKey)) {
    Home.site.store(EndedSite(S), std::memory_order_relaxed);
    Home.key.store(MyKey | kTombBit, std::memory_order_release);
  }
  StoreMarker(__mapguard_marker, 0);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  Bucket &B = BucketOf(&Home);
  if (UNLIKELY(!BiasedTo(B.bias.load(std::memory_order_acquire),
                         KeyThreadIndex(MyKey))))
    AfterBiasLost(B, Home, MyKey);
}

void __mapguard::AfterBiasLost(Bucket &B, Slot &Home, uint64_t MyKey) {
  uint16_t Me = KeyThreadIndex(MyKey);
  uint64_t W = B.bias.load(std::memory_order_acquire);
  if (BiasedTo(W, Me))
    return; // still ours: a nested write of the map, the marker the outer's
  while ((W & kBiasRevokingBit) && uint16_t(W) == Me) {
    sched_yield();
    W = B.bias.load(std::memory_order_acquire);
  }
  // The revoker may have published our key: turn it back into our tombstone.
  uint64_t Expected = MyKey;
  Home.key.compare_exchange_strong(Expected, MyKey | kTombBit,
                                   std::memory_order_seq_cst);
  StoreMarker(__mapguard_marker, 0);
}

// Charges a membarrier of Barrier ns, which ended at Now, to the budget;
// true if the budget was already spent.
static bool BudgetSpent(uint64_t Now, uint64_t Barrier) {
  uint64_t Window = g_bias_budget_burst_ns * g_bias_budget_share;
  uint64_t Earliest = Now > Window ? Now - Window : 0;
  uint64_t Tat = g_budget_tat.load(std::memory_order_relaxed);
  uint64_t Next;
  do
    Next = (Tat > Earliest ? Tat : Earliest) + Barrier * g_bias_budget_share;
  while (!g_budget_tat.compare_exchange_weak(Tat, Next,
                                             std::memory_order_relaxed));
  return Next > Now;
}

void __mapguard::ResetBiasBudget() {
  g_budget_tat.store(0, std::memory_order_relaxed);
}

// Claims Home for K, whose write is at S, on its writer's behalf, unless it
// holds K already. The site goes in only if nobody stored one since it was
// read (the writer stores the same, or its end an ended one).
static void Publish(Slot &Home, uint64_t K, const Site *S) {
  for (unsigned Try = 0; Try < kPublishTries; ++Try) {
    const Site *Old = Home.site.load(std::memory_order_relaxed);
    uint64_t V = Home.key.load(std::memory_order_acquire);
    if (V == K)
      return;
    if (!IsActiveKey(V)) {
      if (Home.key.compare_exchange_strong(V, K, std::memory_order_seq_cst)) {
        if (S)
          Home.site.compare_exchange_strong(Old, S, std::memory_order_release);
        return;
      }
      continue;
    }
    sched_yield(); // a claim given back, or the owner's own nested write
  }
}

// How long the bias W was held when its revocation began, at Now.
static uint64_t EpochNsOf(uint64_t W, uint64_t Now) {
  return (((Now >> 10) - (W >> kBiasTimeShift)) & kBiasTimeMask) << 10;
}

// Takes B back from the owner W names (W has kBiasHeldBit).
static void Revoke(Bucket &B, uint64_t W) {
  uint16_t Owner = uint16_t(W);
  uint64_t Revoking = (W & ~kBiasStateMask) | Owner | kBiasRevokingBit;
  if (!B.bias.compare_exchange_strong(W, Revoking, std::memory_order_seq_cst))
    return;
  uint64_t Start = NowNanoseconds();
  syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
  uint64_t End = NowNanoseconds();
  uint64_t Barrier = End - Start;
  bool Spent = BudgetSpent(End, Barrier);
  int Strikes = EpochNsOf(W, Start) >= g_bias_epoch_per_barrier * Barrier ? -1
                : Spent                                                   ? 1
                                                                          : 0;
  const uint64_t *Marker = MarkerOf(Owner);
  uint64_t K = LoadMarker(Marker);
  const Site *S = reinterpret_cast<const Site *>(
      __atomic_load_n(&Marker[1], __ATOMIC_RELAXED));
  if (IsActiveKey(K) && KeyThreadIndex(K) == Owner &&
      &StrictBucket(KeyAddress(K)) == &B)
    Publish(HomeSlot(KeyAddress(K)), K, S);
  g_revocations.fetch_add(1, std::memory_order_relaxed);
  B.bias.store(Unbiased(W, Strikes), std::memory_order_seq_cst);
}

void __mapguard::ResolveBias(Bucket &B, uint16_t Me) {
  for (;;) {
    uint64_t W = B.bias.load(std::memory_order_acquire);
    if (!BiasBlocks(W, Me))
      return;
    if (W & kBiasHeldBit)
      Revoke(B, W);
    else
      sched_yield(); // another thread is revoking
  }
}

void __mapguard::MaybeGrantBias(Bucket &B, uint16_t Me, uint64_t W) {
  if (!BiasGrantable(W))
    return;
  if (!BiasUsable()) {
    B.bias.compare_exchange_strong(W, W | kBiasNeverBit,
                                   std::memory_order_relaxed);
    return;
  }
  uint64_t Held = (W & (kBiasCountMax << kBiasCountShift)) |
                  (NowMicros() << kBiasTimeShift) | BiasHeldBy(Me);
  if (!B.bias.compare_exchange_strong(W, Held, std::memory_order_seq_cst))
    return;
  // Another thread's claim in the bucket (it loads the bias after its
  // claim, as this scan follows the grant): give the bias back.
  for (Slot &Other : B.slots) {
    uint64_t K = Other.key.load(std::memory_order_seq_cst);
    if (IsActiveKey(K) && KeyThreadIndex(K) != Me) {
      B.bias.compare_exchange_strong(Held, Unbiased(Held, 1),
                                     std::memory_order_seq_cst);
      return;
    }
  }
}

void __mapguard::ResetBiasAfterFork() {
  if (uint64_t *M = __mapguard_marker)
    StoreMarker(M, 0);
  for (Bucket &B : __mapguard_strict_table)
    if (B.bias.load(std::memory_order_relaxed))
      B.bias.store(0, std::memory_order_relaxed);
  ResetBiasBudget();
}

uint64_t __mapguard::BiasRevocationCount() {
  return g_revocations.load(std::memory_order_relaxed);
}
