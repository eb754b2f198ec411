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
// A hold sleeps, so the racing thread can take its CPU. When the CPUs are
// busy, though, that thread may be waiting in a run queue behind other
// processes for longer than handoff_hold_us, and then runs all its writes
// after the hold is over. So a hold goes on, in short naps, while the
// machine has more runnable threads than CPUs and the process's other
// threads have not yet run for handoff_hold_us in all, up to busy_hold_us
// per runnable thread per CPU.
//
// stress=1 makes guarded writes and checked reads sleep at random instead.
//
//===----------------------------------------------------------------------===//

#include "mapguard_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

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

// A token bucket, as the virtual time up to which what it limits is paid
// for: Take pays Cost if the bucket, which holds at most Burst, has it.
static bool TakeToken(std::atomic<uint64_t> &Bucket, uint64_t Now,
                      uint64_t Cost, uint64_t Burst) {
  uint64_t Floor = Now > Burst ? Now - Burst : 0;
  uint64_t Budget = Bucket.load(std::memory_order_relaxed);
  for (;;) {
    uint64_t Base = Budget > Floor ? Budget : Floor;
    if (Base + Cost > Now)
      return false;
    if (Bucket.compare_exchange_weak(Budget, Base + Cost,
                                     std::memory_order_relaxed))
      return true;
  }
}

// The holds' bucket: a burst of kHoldBurst holds, then one per
// kHoldCostFactor hold lengths.
static std::atomic<uint64_t> g_hold_budget_ns;
static std::atomic<uint64_t> g_handoff_holds;
// Holds the calling thread has taken (for profile_path).
static __thread uint32_t t_holds_taken
    __attribute__((tls_model("initial-exec")));

static bool TakeHoldToken(uint64_t Now, uint64_t HoldNs) {
  uint64_t Cost = HoldNs * kHoldCostFactor;
  return TakeToken(g_hold_budget_ns, Now, Cost, uint64_t(kHoldBurst) * Cost);
}

//===----------------------------------------------------------------------===//
// Holds on a busy machine
//===----------------------------------------------------------------------===//

static std::atomic<int> g_online_cpus; // 0 until first asked for

static int OnlineCpus() {
  int N = g_online_cpus.load(std::memory_order_relaxed);
  if (N == 0) {
    long L = sysconf(_SC_NPROCESSORS_ONLN);
    N = L > 0 && L < INT_MAX ? int(L) : 1;
    g_online_cpus.store(N, std::memory_order_relaxed);
  }
  return N;
}

// Reads the start of a /proc file into Buf (NUL-terminated); false if it
// cannot.
template <size_t N> static bool ReadProcFile(const char *Path, char (&Buf)[N]) {
  int Fd = open(Path, O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return false;
  ssize_t Len = read(Fd, Buf, N - 1);
  close(Fd);
  if (Len <= 0)
    return false;
  Buf[Len] = 0;
  return true;
}

// The decimal number at P, or -1 if none.
static int ParseCount(const char *P) {
  if (*P < '0' || *P > '9')
    return -1;
  int N = 0;
  for (; *P >= '0' && *P <= '9' && N < 10000000; ++P)
    N = N * 10 + (*P - '0');
  return N;
}

// Threads runnable on the whole machine now, the calling one included (the
// numerator of /proc/loadavg's fourth field), or -1 if unknown.
static int RunnableThreads() {
  char Buf[128];
  if (!ReadProcFile("/proc/loadavg", Buf))
    return -1;
  const char *P = Buf;
  for (int Spaces = 0; *P && Spaces < 3; ++P)
    Spaces += *P == ' ';
  return ParseCount(P);
}

// CPU time the process's threads other than the calling one have used:
// the process's, read after the thread's (so it never counts less than the
// thread's own). A difference of two readings may still come out a little
// negative: OthersRanFor compares them signed.
static int64_t OtherThreadsCpuNanoseconds() {
  timespec Thread, Process;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &Thread) != 0 ||
      clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &Process) != 0)
    return 0;
  return (int64_t(Process.tv_sec) - int64_t(Thread.tv_sec)) * 1000000000 +
         (int64_t(Process.tv_nsec) - int64_t(Thread.tv_nsec));
}

// The process's threads, from /proc/self/stat (its 20th field), or -1.
static int ProcessThreads() {
  char Buf[1024];
  if (!ReadProcFile("/proc/self/stat", Buf))
    return -1;
  // The command name, field 2, is in parentheses and may hold anything:
  // the fields after it start after its last ')'.
  const char *P = nullptr;
  for (const char *Q = Buf; *Q; ++Q)
    if (*Q == ')')
      P = Q;
  if (!P)
    return -1;
  for (int Field = 2; *P && Field < 20; ++P)
    Field += *P == ' ';
  return ParseCount(P);
}

// Prolonged holds take their own budget, a burst of kBusyHoldBurstNs of
// holding, then 1/kHoldCostFactor of the time, so that the first holds of
// a process under load (each thread's first write) do not spend the budget
// of the handoff holds that follow.
constexpr uint64_t kBusyHoldBurstNs = 100000000;
static std::atomic<uint64_t> g_busy_budget_ns;

// A nap of a hold prolonged on a busy machine.
constexpr uint64_t kBusyNapNs = 500000;

// How often a reader's hold looks for a writer.
constexpr uint64_t kLookNapNs = 50000;

// The more runnable threads wait for each CPU, the longer the thread racing
// in may wait for one: a busy hold lasts busy_hold_us per runnable thread
// per CPU, up to kMaxBusyScale times.
constexpr uint64_t kMaxBusyScale = 4;

static uint64_t BusyScale(int Runnable, int Cpus) {
  uint64_t PerCpu = uint64_t(Runnable / Cpus);
  return PerCpu < 1 ? 1 : PerCpu > kMaxBusyScale ? kMaxBusyScale : PerCpu;
}

// Sleeps HoldNs, then naps on while the machine is busy, the process's
// other threads have not had HoldNs of CPU since the hold began and the
// busy budget lasts, for at most busy_hold_us times BusyScale in all (see
// the top of the file).
static void Hold(uint64_t HoldNs, const HoldLook *Look) {
  uint64_t Start = NowNanoseconds();
  uint64_t LimitNs = uint64_t(g_options.busy_hold_us) * 1000;
  int64_t Others = LimitNs > HoldNs ? OtherThreadsCpuNanoseconds() : 0;
  if (Look) {
    // A reader looks all through its hold: a writer that claims the map just
    // after the reader's first look holds its own first write about as long,
    // and one look at the end would often come just after it let go.
    for (uint64_t Held = 0; Held < HoldNs; Held = NowNanoseconds() - Start) {
      SleepNanoseconds(HoldNs - Held < kLookNapNs ? HoldNs - Held : kLookNapNs);
      Look->look(*Look);
    }
  } else {
    SleepNanoseconds(HoldNs);
  }
  if (LimitNs <= HoldNs)
    return; // busy holds are off
  for (;;) {
    uint64_t Now = NowNanoseconds();
    uint64_t Held = Now - Start;
    if (OtherThreadsCpuNanoseconds() - Others >= int64_t(HoldNs))
      return;
    int Runnable = RunnableThreads(), Cpus = OnlineCpus();
    uint64_t Limit = LimitNs * BusyScale(Runnable, Cpus);
    if (Runnable <= Cpus || Held >= Limit)
      return;
    uint64_t Nap = Limit - Held < kBusyNapNs ? Limit - Held : kBusyNapNs;
    if (!TakeToken(g_busy_budget_ns, Now, Nap * kHoldCostFactor,
                   kBusyHoldBurstNs * kHoldCostFactor))
      return;
    SleepNanoseconds(Nap);
    if (Look)
      Look->look(*Look);
  }
}

// Handoffs this thread lets go by before it next asks for a hold.
static __thread uint32_t t_handoffs_to_skip
    __attribute__((tls_model("initial-exec")));

// Handoff holds taken per map, by hash (a map sharing a counter with
// another only holds less often). The inline claims read it too.
MapHoldCount __mapguard_map_holds[kMapHoldCounters];

bool __mapguard::HoldAfterHandoff(bool Learned, const HoldLook *Look) {
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
  ++t_holds_taken;
  uint64_t LearnedNs = uint64_t(g_options.busy_hold_us) * 1000;
  if (Learned && LearnedNs > HoldNs)
    SleepNanoseconds(LearnedNs); // a near miss of an earlier run: whatever
                                 // the load, hold long
  else
    Hold(HoldNs, Look);
  return true;
}

// A thread's very first guarded write (or checked read) holds too: two
// threads started one after the other, each writing a shared map a few
// hundred times, would otherwise never overlap (the first is done before the
// second starts).
__thread bool __mapguard::t_started __attribute__((tls_model("initial-exec")));

// A thread's first guarded operation holds only when another thread exists
// to meet its flag: a program's main thread, writing its maps before it
// starts any thread, need not wait.
void __mapguard::HoldAtThreadStart(bool Learned, const HoldLook *Look) {
  if (ProcessThreads() != 1)
    HoldAfterHandoff(Learned, Look);
}

// The holds of NoteHandoff: the thread's first, or the map's.
static void HoldForHandoff(uintptr_t Addr, bool Handoff, bool Learned) {
  if (HoldIfFirstOfThread(Learned))
    return;
  if (!Handoff)
    return; // no memory of this map's last writer
  // This map, last written by another thread.
  std::atomic<uint8_t> &Holds =
      __mapguard_map_holds[HashAddress(Addr, kMapHoldBits)].taken;
  uint8_t Taken = Holds.load(std::memory_order_relaxed);
  if (Taken < kHoldsPerMap && HoldAfterHandoff(Learned))
    Holds.store(uint8_t(Taken + 1), std::memory_order_relaxed);
}

void __mapguard::NoteHandoff(uintptr_t Addr, uint64_t Previous,
                             const Site *MySite, const Site *PreviousSite) {
  // Another thread's write of this map came before (NoteWriter has ruled
  // out the calling thread's own tombstone).
  bool Handoff = Previous && KeyAddress(Previous) == Addr;
  bool Learned = false;
  if (UNLIKELY(g_options.learn_path[0])) {
    if (Handoff)
      RecordHandoff(MySite, PreviousSite);
    Learned = IsLearnedSite(MySite);
  }
  uint32_t HoldsBefore = t_holds_taken;
  HoldForHandoff(Addr, Handoff, Learned);
  if (UNLIKELY(g_options.profile_path[0]) && Handoff)
    ProfileHandoff(Addr, Previous, MySite, PreviousSite,
                   t_holds_taken != HoldsBefore);
}

uint64_t __mapguard::HandoffHoldCount() {
  return g_handoff_holds.load(std::memory_order_relaxed);
}

void __mapguard::ResetHolds() {
  t_handoffs_to_skip = 0;
  for (MapHoldCount &Holds : __mapguard_map_holds)
    Holds.taken.store(0, std::memory_order_relaxed);
  g_hold_budget_ns.store(0, std::memory_order_relaxed);
  g_busy_budget_ns.store(0, std::memory_order_relaxed);
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
