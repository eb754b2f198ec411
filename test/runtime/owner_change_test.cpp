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

class OwnerChangeTest : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, OwnerChangeTest, BothModes(), ModeParamName);

// The rounds, in a child process (the reports they print must not count
// in later tests' parent process); the child's exit status tells.
void RunRounds(Mode M) {
  using __mapguard::g_options;
  g_options.halt_on_error = false;
  g_options.handoff_hold_us = 0; // thousands of handoffs: no waiting
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
  std::fprintf(stderr,
               "rounds with an overlap %llu, missed %llu, rounds without "
               "that reported %llu, slots held %zu, away %llu\n",
               (unsigned long long)Overlaps.load(),
               (unsigned long long)Missed.load(),
               (unsigned long long)Invented.load(), Held,
               (unsigned long long)__mapguard::StrictAwayCount());
  bool Ok = Overlaps.load() == kRounds / 2 && Missed.load() == 0 &&
            Invented.load() == 0 && Held == 0 &&
            __mapguard::StrictAwayCount() == 0;
  _exit(Ok ? 0 : 1); // before the runtime's exit handlers, which would
                     // turn the reports into exitcode
}

TEST_P(OwnerChangeTest, EveryOverlapFoundAndNothingElse) {
  Mode M = GetParam();
  ChildResult R = RunInChild([M] { RunRounds(M); });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 0) << R.err;
  EXPECT_NE(R.err.find("rounds with an overlap " + std::to_string(kRounds / 2) +
                       ", missed 0, rounds without that reported 0, slots "
                       "held 0, away 0\n"),
            std::string::npos);
}

} // namespace
