//===-- owner_change_test.cpp - Maps changing writer, overlaps known ------===//
//
// Six threads write a handful of maps (some sharing a strict home slot, some
// a bucket) in rounds. In each round every map changes writer: a pair of
// threads writes it one after the other (a handoff), except, in some rounds,
// one map whose pair is made to overlap (the second begins while the first
// holds it). After each round the conflicts found must be none when no pair
// overlapped, and at least one when one did: no overlap missed, no report
// invented, across thousands of owner changes of every map.
//
// Strict mode runs the rounds three ways: with bias=0 (every claim a
// compare-and-swap); with bias=1, where the first writer writes its map
// three times, so that its bucket is biased to it and its later writes are
// plain stores, and every handoff revokes the bias (runtime/bias.cpp); and
// with bias=1 and single writes.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <cstdio>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

using namespace mapguard_test;

namespace {

constexpr int kThreads = 6;
constexpr int kRounds = 1500;

// A spinning barrier for kThreads threads, reusable round after round.
class Barrier {
public:
  void wait() {
    unsigned Gen = Generation.load(std::memory_order_acquire);
    if (Arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == kThreads) {
      Arrived.store(0, std::memory_order_relaxed);
      Generation.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    while (Generation.load(std::memory_order_acquire) == Gen)
      std::this_thread::yield();
  }

private:
  std::atomic<unsigned> Arrived{0}, Generation{0};
};

// One map's pair of writers in a round. First writes, then Second; with
// Overlap, Second begins while First still holds its write.
struct Pair {
  int First, Second;
  bool Overlap;
  std::atomic<bool> FirstIn{false}, SecondIn{false};
};

void Wait(const std::atomic<bool> &Flag) {
  while (!Flag.load(std::memory_order_acquire))
    std::this_thread::yield();
}

// How a run treats strict mode's bias: off, or on with the first writer of
// each pair writing once or (Repeated) three times in a row.
enum class Bias { Off, Single, Repeated };

// The rounds, in a child process (the reports they print must not count
// in later tests' parent process); the child's exit status tells.
void RunRounds(Mode M, Bias Biased) {
  using __mapguard::g_options;
  g_options.halt_on_error = false;
  g_options.handoff_hold_us = 0; // thousands of handoffs: no waiting
  g_options.bias = Biased != Bias::Off;
  __mapguard::g_max_bias_strikes = 0xffff; // never give up on a bucket
  const int Writes = Biased == Bias::Repeated ? 3 : 1;
  const uint64_t RevokedBefore = __mapguard::BiasRevocationCount();
  // Strict mode: three maps sharing a home slot (the second and third write
  // away from home while the first is at it) and three sharing a bucket.
  // Fast mode has one slot per hash value and keeps best effort where maps
  // share one, so there every map has a slot of its own.
  std::vector<uintptr_t> Maps;
  if (M == Mode::Strict) {
    Maps = MapsSharingHome(FakeMap(7000), 3);
    for (uintptr_t Map : MapsSharingBucket(M, FakeMap(7100), 3))
      Maps.push_back(Map);
  } else {
    for (unsigned I = 0; Maps.size() < 6; ++I) {
      uintptr_t Map = FakeMap(7200 + I);
      bool Shares = false;
      for (uintptr_t Other : Maps)
        Shares |=
            __mapguard::FastSlotIndex(Map) == __mapguard::FastSlotIndex(Other);
      if (!Shares)
        Maps.push_back(Map);
    }
  }
  const size_t NumMaps = Maps.size();

  std::vector<Pair> Pairs(NumMaps);
  Barrier Sync;
  std::atomic<uint64_t> Missed{0}, Invented{0}, Overlaps{0};
  std::mt19937 Rng(18);
  auto Plan = [&](int Round) {
    int Overlapping = Round % 2 ? int(Rng() % NumMaps) : -1;
    for (size_t I = 0; I < NumMaps; ++I) {
      Pair &P = Pairs[I];
      P.First = int(Rng() % kThreads);
      P.Second = int((P.First + 1 + Rng() % (kThreads - 1)) % kThreads);
      P.Overlap = int(I) == Overlapping;
      P.FirstIn.store(false, std::memory_order_relaxed);
      P.SecondIn.store(false, std::memory_order_relaxed);
    }
    return Overlapping >= 0;
  };
  bool Overlapping = Plan(0);
  uint64_t Before = __mapguard::ConflictCount();

  auto Body = [&](int T) {
    for (int Round = 0; Round < kRounds; ++Round) {
      // Maps in order: a thread waits only for a partner on the same map,
      // which has finished every map before it.
      for (size_t I = 0; I < NumMaps; ++I) {
        Pair &P = Pairs[I];
        uintptr_t Map = Maps[I];
        if (T == P.First) {
          for (int W = 1; W < Writes; ++W)
            End(M, Map, &kFirstSite, Begin(M, Map, &kFirstSite));
          uintptr_t Token = Begin(M, Map, &kFirstSite);
          if (P.Overlap) {
            P.FirstIn.store(true, std::memory_order_release);
            Wait(P.SecondIn);
            End(M, Map, &kFirstSite, Token);
          } else {
            End(M, Map, &kFirstSite, Token);
            P.FirstIn.store(true, std::memory_order_release);
          }
        } else if (T == P.Second) {
          Wait(P.FirstIn);
          uintptr_t Token = Begin(M, Map, &kSecondSite);
          P.SecondIn.store(true, std::memory_order_release);
          End(M, Map, &kSecondSite, Token);
        }
      }
      Sync.wait(); // every write of the round has ended
      if (T == 0) {
        uint64_t Now = __mapguard::ConflictCount();
        if (Overlapping) {
          Overlaps.fetch_add(1, std::memory_order_relaxed);
          if (Now == Before)
            Missed.fetch_add(1, std::memory_order_relaxed);
        } else if (Now != Before) {
          Invented.fetch_add(1, std::memory_order_relaxed);
        }
        Before = Now;
        Overlapping = Plan(Round + 1);
      }
      Sync.wait(); // the next round is planned
    }
  };
  std::vector<std::thread> Threads;
  for (int T = 0; T < kThreads; ++T)
    Threads.emplace_back(Body, T);
  for (std::thread &Th : Threads)
    Th.join();

  size_t Held = M == Mode::Strict ? __mapguard::StrictTableOccupancy()
                                  : __mapguard::FastTableOccupancy();
  uint64_t Revoked = __mapguard::BiasRevocationCount() - RevokedBefore;
  std::fprintf(stderr,
               "rounds with an overlap %llu, missed %llu, rounds without "
               "that reported %llu, slots held %zu, away %llu\n"
               "bias revocations %llu\n",
               (unsigned long long)Overlaps.load(),
               (unsigned long long)Missed.load(),
               (unsigned long long)Invented.load(), Held,
               (unsigned long long)__mapguard::StrictAwayCount(),
               (unsigned long long)Revoked);
  // Repeated writes bias buckets, and the handoffs then revoke them (at
  // least once a round); without bias nothing is ever revoked.
  bool BiasOk = Biased == Bias::Repeated ? Revoked >= uint64_t(kRounds)
                : Biased == Bias::Off    ? Revoked == 0
                                         : true;
  bool Ok = Overlaps.load() == kRounds / 2 && Missed.load() == 0 &&
            Invented.load() == 0 && Held == 0 &&
            __mapguard::StrictAwayCount() == 0 && BiasOk;
  _exit(Ok ? 0 : 1); // before the runtime's exit handlers, which would
                     // turn the reports into exitcode
}

struct RunKind {
  Mode M;
  Bias Biased;
};

class OwnerChangeTest : public ::testing::TestWithParam<RunKind> {};

std::string RunName(const ::testing::TestParamInfo<RunKind> &Info) {
  static const char *const Names[] = {"BiasOff", "Bias", "BiasRepeated"};
  return std::string(Info.param.M == Mode::Strict ? "Strict" : "Fast") +
         Names[int(Info.param.Biased)];
}

INSTANTIATE_TEST_SUITE_P(Runs, OwnerChangeTest,
                         ::testing::Values(RunKind{Mode::Strict, Bias::Off},
                                           RunKind{Mode::Strict, Bias::Single},
                                           RunKind{Mode::Strict,
                                                   Bias::Repeated},
                                           RunKind{Mode::Fast, Bias::Off}),
                         RunName);

TEST_P(OwnerChangeTest, EveryOverlapFoundAndNothingElse) {
  RunKind P = GetParam();
  ChildResult R = RunInChild([P] { RunRounds(P.M, P.Biased); });
  fprintf(stdout, "%s", R.err.c_str());
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 0) << R.err;
  EXPECT_NE(R.err.find("rounds with an overlap " + std::to_string(kRounds / 2) +
                       ", missed 0, rounds without that reported 0, slots "
                       "held 0, away 0\n"),
            std::string::npos);
}

} // namespace
