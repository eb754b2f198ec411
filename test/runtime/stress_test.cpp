//===-- stress_test.cpp - Many threads, no false reports ------------------===//
//
// Eight threads writing their own maps, or one map under a mutex, hundreds of
// thousands of times: correct programs must never be reported, and every
// slot must be free afterwards (NoReportTest checks both).
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <mutex>

using namespace mapguard_test;

namespace {

constexpr int kThreads = 8;
constexpr int kWritesPerThread = 100000;

class StressTest : public NoReportTest,
                   public ::testing::WithParamInterface<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, StressTest, BothModes(), ModeParamName);

template <typename Fn> void RunThreads(Fn Body) {
  std::vector<std::thread> Threads;
  for (int T = 0; T < kThreads; ++T)
    Threads.emplace_back(Body, T);
  for (std::thread &T : Threads)
    T.join();
}

TEST_P(StressTest, ThreadsWritingTheirOwnMaps) {
  Mode M = GetParam();
  RunThreads([M](int T) {
    for (int I = 0; I < kWritesPerThread; ++I) {
      uintptr_t Map = FakeMap(1000 + T * 16 + I % 16);
      uintptr_t Outer = Begin(M, Map, &kFirstSite);
      // Every fourth write nests another (an insert calling a hasher that
      // writes the same map is unusual, but legal on one thread).
      if (I % 4 == 0)
        End(M, Map, &kSecondSite, Begin(M, Map, &kSecondSite));
      End(M, Map, &kFirstSite, Outer);
    }
  });
}

TEST_P(StressTest, ThreadsWritingMapsThatShareABucket) {
  Mode M = GetParam();
  std::vector<uintptr_t> Maps = MapsSharingBucket(M, FakeMap(5000), kThreads);
  RunThreads([M, &Maps](int T) {
    for (int I = 0; I < kWritesPerThread / 4; ++I)
      End(M, Maps[T], &kFirstSite, Begin(M, Maps[T], &kFirstSite));
  });
}

TEST_P(StressTest, ThreadsWritingOneMapUnderAMutex) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(6000);
  std::mutex Lock;
  long Writes = 0;
  RunThreads([M, Map, &Lock, &Writes](int T) {
    const Site *S = T % 2 ? &kFirstSite : &kSecondSite;
    for (int I = 0; I < kWritesPerThread; ++I) {
      std::lock_guard<std::mutex> Guard(Lock);
      uintptr_t Token = Begin(M, Map, S);
      ++Writes;
      End(M, Map, S, Token);
    }
  });
  EXPECT_EQ(Writes, long(kThreads) * kWritesPerThread);
}

} // namespace
