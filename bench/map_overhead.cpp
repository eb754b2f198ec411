//===- map_overhead.cpp - What MapGuard costs a program that writes maps --===//
//
// One Google Benchmark suite, built four ways by scripts/bench.sh: plain
// clang++ (baseline), MapGuard strict, MapGuard fast, and ThreadSanitizer.
// The source is the same for all four; only the compiler flags differ.
//
// Every case is a real container loop whose results stay alive, and reports
// "ops_per_iter" so that the summary can turn a benchmark's time per
// iteration into nanoseconds per map operation, the same way for every case:
//
//   ns/op = real_time per iteration / ops_per_iter
//
// In the threaded cases every thread runs the loop; real time per iteration
// is then one thread's wall time, so ns/op is per thread.
//
// The cases, from the hardest for MapGuard to the easiest:
//
//   HotWrite         m[k] += 1 over 1,000 resident keys: a cache-resident
//                    write of a few ns, where a hook costs the most. Nothing
//                    else happens in the loop, so MapGuard guards each run
//                    of it as one window (README, "Loops")
//   HotWriteEach     the same loop with an assembler comment in its body:
//                    free at run time, but MapGuard cannot tell that it does
//                    not synchronise, so every write pays its own guard
//   Churn*           emplace then erase distinct keys: every write allocates
//                    or frees, as most map writes in real programs do
//   Find             lookups only: nothing else happens in the loop, so
//                    MapGuard checks each run of it once, at its end (a read
//                    window: is another thread writing this map, or did one
//                    write it while the loop ran?)
//   FindEach         the same loop with an assembler comment in its body:
//                    every lookup gets its own read check
//   OwnMapHotWrite   HotWrite in 1, 2 and 4 threads, each on its own map:
//                    the hooks must not make threads contend
//   SharedMutexMap   4 threads writing one map under one std::mutex:
//                    correctly synchronised, so never a report
//   SharedMutexMapFloor*  the same loop with a check written by hand and
//                    MapGuard kept out (MAPGUARD_NO_INSTRUMENT): the least
//                    any check that marks the map in a table can cost here
//
//===----------------------------------------------------------------------===//
#include <benchmark/benchmark.h>
#include <mapguard/mapguard.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

constexpr uint32_t kResidentKeys = 1000;
constexpr uint64_t kChurnKeys = 1000000;
constexpr size_t kStringKeys = 100000;

// The timed loops live in functions of their own, never inlined, named in
// scripts/bench.sh: it checks that each one holds MapGuard's hooks in the
// guarded builds, so that a case can never silently measure nothing. One
// call per iteration of thousands of writes costs nothing measurable.
#define TIMED_LOOP __attribute__((noinline))

// Every benchmarked map's address is published where another thread could
// pick it up, as a shared map's is: MapGuard may leave writes to a map that
// provably stays in one thread unguarded, and these maps stand for the
// others.
std::atomic<const void *> PublishedMap{nullptr};
template <typename Map> Map &publish(Map &M) {
  PublishedMap.store(&M, std::memory_order_relaxed);
  return M;
}

void setOpsPerIteration(benchmark::State &State, double Ops) {
  // Averaged over threads: every thread does the same work per iteration.
  State.counters["ops_per_iter"] =
      benchmark::Counter(Ops, benchmark::Counter::kAvgThreads);
  State.SetItemsProcessed(int64_t(State.iterations() * Ops));
}

using ResidentMap = std::unordered_map<uint32_t, uint32_t>;

void fillResidentMap(ResidentMap &M) {
  M.reserve(kResidentKeys);
  for (uint32_t K = 0; K < kResidentKeys; ++K)
    M[K] = K;
}

TIMED_LOOP void hotWritePass(ResidentMap &M) {
  for (uint32_t K = 0; K < kResidentKeys; ++K)
    M[K] += 1;
  benchmark::ClobberMemory();
}

TIMED_LOOP void hotWriteEachPass(ResidentMap &M) {
  for (uint32_t K = 0; K < kResidentKeys; ++K) {
    M[K] += 1;
    asm volatile("# opaque to MapGuard's loop analysis");
  }
  benchmark::ClobberMemory();
}

TIMED_LOOP void churnUnorderedMapPass(std::unordered_map<uint64_t, uint64_t> &M) {
  for (uint64_t K = 0; K < kChurnKeys; ++K)
    M.emplace(K, K);
  benchmark::DoNotOptimize(M.size());
  for (uint64_t K = 0; K < kChurnKeys; ++K)
    M.erase(K);
  benchmark::ClobberMemory();
}

TIMED_LOOP void churnMapPass(std::map<int, int> &M) {
  for (int K = 0; K < int(kChurnKeys); ++K)
    M.emplace(K, K);
  benchmark::DoNotOptimize(M.size());
  for (int K = 0; K < int(kChurnKeys); ++K)
    M.erase(K);
  benchmark::ClobberMemory();
}

TIMED_LOOP void insertStringsPass(std::unordered_set<std::string> &S,
                                  const std::vector<std::string> &Keys) {
  for (const std::string &K : Keys)
    S.insert(K);
  benchmark::DoNotOptimize(S.size());
  S.clear();
  benchmark::ClobberMemory();
}

TIMED_LOOP uint64_t findPass(const ResidentMap &M) {
  uint64_t Sum = 0;
  for (uint32_t K = 0; K < kResidentKeys; ++K) {
    auto It = M.find(K);
    Sum += It == M.end() ? 0 : It->second;
  }
  return Sum;
}

TIMED_LOOP uint64_t findEachPass(const ResidentMap &M) {
  uint64_t Sum = 0;
  for (uint32_t K = 0; K < kResidentKeys; ++K) {
    auto It = M.find(K);
    Sum += It == M.end() ? 0 : It->second;
    asm volatile("# opaque to MapGuard's loop analysis");
  }
  return Sum;
}

std::mutex SharedMutex;

TIMED_LOOP void lockedHotWritePass(ResidentMap &M) {
  for (uint32_t K = 0; K < kResidentKeys; ++K) {
    std::lock_guard<std::mutex> Lock(SharedMutex);
    M[K] += 1;
  }
  benchmark::ClobberMemory();
}

// The floor under SharedMutexMap's guarded ratios. A check that can see two
// threads writing one map must mark the map, in a table line that the map's
// next writer reads: under the mutex, that line moves from core to core at
// every handoff, beside the mutex's own. These loops do exactly that much
// and no more, by hand, in every flavour (MapGuard keeps out of them):
//   Store  what fast mode must do: a load, then plain stores of the site and
//          the thread's key, and at the end a load and a plain store;
//   Cas    what strict mode must do to miss no overlap: the claim is a
//          compare-and-swap (a locked instruction that waits for the line).
// Their ratio to the baseline's SharedMutexMap of the same round is the
// floor the mutex targets are read against (bench/summarize.py,
// floor_ratio).
struct alignas(64) FloorSlot {
  std::atomic<uint64_t> Key{0};
  std::atomic<const void *> Site{nullptr};
};
FloorSlot TheFloorSlot;
constexpr uint64_t kFloorTomb = uint64_t(1) << 63;
thread_local uint64_t FloorKey __attribute__((tls_model("initial-exec")));
const char FloorSite[] = "bench/map_overhead.cpp:floor";

[[noreturn]] void floorConflict() {
  std::fprintf(stderr, "map_overhead: the floor check saw two writers\n");
  std::abort();
}

template <bool Cas> TIMED_LOOP MAPGUARD_NO_INSTRUMENT void
lockedFloorPass(ResidentMap &M) {
  FloorSlot &S = TheFloorSlot;
  const uint64_t Mine = FloorKey;
  for (uint32_t K = 0; K < kResidentKeys; ++K) {
    std::lock_guard<std::mutex> Lock(SharedMutex);
    uint64_t Seen = S.Key.load(std::memory_order_relaxed);
    if (Seen != 0 && !(Seen & kFloorTomb))
      floorConflict();
    if (Cas) {
      if (!S.Key.compare_exchange_strong(Seen, Mine))
        floorConflict();
      S.Site.store(FloorSite, std::memory_order_release);
    } else {
      S.Site.store(FloorSite, std::memory_order_relaxed);
      S.Key.store(Mine, std::memory_order_relaxed);
    }
    std::atomic_signal_fence(std::memory_order_seq_cst);
    M[K] += 1;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (S.Key.load(std::memory_order_relaxed) != Mine)
      floorConflict();
    S.Key.store(Mine | kFloorTomb, Cas ? std::memory_order_release
                                       : std::memory_order_relaxed);
  }
  benchmark::ClobberMemory();
}

//===----------------------------------------------------------------------===//
// Single-threaded cases
//===----------------------------------------------------------------------===//

// The hot-write cases, on a map of the calling thread's own.
template <void (*Pass)(ResidentMap &)>
void runHotWrite(benchmark::State &State) {
  ResidentMap M;
  fillResidentMap(publish(M));
  for (auto _ : State)
    Pass(M);
  benchmark::DoNotOptimize(M.at(kResidentKeys - 1));
  setOpsPerIteration(State, kResidentKeys);
}

void HotWrite(benchmark::State &State) { runHotWrite<hotWritePass>(State); }

void HotWriteEach(benchmark::State &State) {
  runHotWrite<hotWriteEachPass>(State);
}

// Emplace kChurnKeys distinct keys, then erase them: 2 * kChurnKeys writes,
// each allocating or freeing a node. The table is reserved once, so no
// rehash is timed, and one untimed pass first gives malloc the nodes' memory:
// page faults (system time, costly and erratic in a VM) are not timed either.
void ChurnUnorderedMap(benchmark::State &State) {
  std::unordered_map<uint64_t, uint64_t> M;
  publish(M).reserve(kChurnKeys);
  churnUnorderedMapPass(M);
  for (auto _ : State)
    churnUnorderedMapPass(M);
  setOpsPerIteration(State, 2.0 * kChurnKeys);
}

void ChurnMap(benchmark::State &State) {
  std::map<int, int> M;
  churnMapPass(publish(M));
  for (auto _ : State)
    churnMapPass(M);
  setOpsPerIteration(State, 2.0 * kChurnKeys);
}

// Inserts of heap-allocated strings (longer than the small-string buffer),
// then one clear(): kStringKeys + 1 writes per iteration.
void UnorderedSetStringInsert(benchmark::State &State) {
  std::vector<std::string> Keys;
  Keys.reserve(kStringKeys);
  char Buf[64];
  for (size_t I = 0; I < kStringKeys; ++I) {
    std::snprintf(Buf, sizeof Buf, "mapguard-benchmark-key-%08zu", I);
    Keys.emplace_back(Buf);
  }
  std::unordered_set<std::string> S;
  publish(S).reserve(kStringKeys);
  insertStringsPass(S, Keys); // untimed: malloc's memory, as in the churn cases
  for (auto _ : State)
    insertStringsPass(S, Keys);
  setOpsPerIteration(State, kStringKeys + 1);
}

template <uint64_t (*Pass)(const ResidentMap &)>
void runFind(benchmark::State &State) {
  ResidentMap M;
  fillResidentMap(publish(M));
  for (auto _ : State)
    benchmark::DoNotOptimize(Pass(M));
  setOpsPerIteration(State, kResidentKeys);
}

void Find(benchmark::State &State) { runFind<findPass>(State); }

void FindEach(benchmark::State &State) { runFind<findEachPass>(State); }

//===----------------------------------------------------------------------===//
// Threaded cases
//===----------------------------------------------------------------------===//

// Each thread writes a map of its own: no synchronisation is needed, and any
// slowdown with more threads comes from the hooks (shared cache lines in the
// runtime's tables) or from the machine.
void OwnMapHotWrite(benchmark::State &State) {
  runHotWrite<hotWritePass>(State);
}

// All threads write one map, each write under one mutex: correctly
// synchronised, so MapGuard must stay silent. Dominated by the lock.
ResidentMap &sharedMap() {
  static ResidentMap *M = [] {
    auto *Map = new ResidentMap;
    fillResidentMap(publish(*Map));
    return Map;
  }();
  return *M;
}

void SharedMutexMap(benchmark::State &State) {
  ResidentMap &M = sharedMap();
  for (auto _ : State)
    lockedHotWritePass(M);
  setOpsPerIteration(State, kResidentKeys);
}

template <bool Cas> void runFloor(benchmark::State &State) {
  ResidentMap &M = sharedMap();
  FloorKey = uint64_t(State.thread_index() + 1) << 16;
  for (auto _ : State)
    lockedFloorPass<Cas>(M);
  setOpsPerIteration(State, kResidentKeys);
}

void SharedMutexMapFloorStore(benchmark::State &State) { runFloor<false>(State); }
void SharedMutexMapFloorCas(benchmark::State &State) { runFloor<true>(State); }

} // namespace

BENCHMARK(HotWrite);
BENCHMARK(HotWriteEach);
BENCHMARK(ChurnUnorderedMap)->Unit(benchmark::kMillisecond);
BENCHMARK(ChurnMap)->Unit(benchmark::kMillisecond);
BENCHMARK(UnorderedSetStringInsert)->Unit(benchmark::kMicrosecond);
BENCHMARK(Find);
BENCHMARK(FindEach);
BENCHMARK(OwnMapHotWrite)->Threads(1)->Threads(2)->Threads(4);
BENCHMARK(SharedMutexMap)->Threads(4);
BENCHMARK(SharedMutexMapFloorStore)->Threads(4);
BENCHMARK(SharedMutexMapFloorCas)->Threads(4);

BENCHMARK_MAIN();
