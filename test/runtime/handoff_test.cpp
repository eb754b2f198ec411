//===-- handoff_test.cpp - Writer handoffs hold the flag a little longer --===//
//
// A write that takes a map over from another thread, and a thread's first
// write, hold the flag for handoff_hold_us (runtime/holds.cpp), rate
// limited. These tests count holds; they assert no timing.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <atomic>
#include <thread>

using namespace mapguard_test;

namespace {

const Site kSite = {"handoff_test.cpp", "writer()", "std::map<int, int>",
                    "insert",           1,          1};

class HandoffTest : public ::testing::TestWithParam<Mode> {
protected:
  void SetUp() override {
    Saved = __mapguard::g_options.handoff_hold_us;
    __mapguard::g_options.handoff_hold_us = 1; // keep the suite quick
    __mapguard::ResetHandoffHistory();
  }
  void TearDown() override {
    __mapguard::g_options.handoff_hold_us = Saved;
    __mapguard::ResetHandoffHistory();
  }
  void writeOnThisThread(uintptr_t Map) {
    End(GetParam(), Map, &kSite, Begin(GetParam(), Map, &kSite));
  }
  void writeOnNewThread(uintptr_t Map) {
    std::thread T([&] { writeOnThisThread(Map); });
    T.join();
  }
  int Saved = 0;
};

TEST_P(HandoffTest, AnotherThreadTakingTheMapOverHolds) {
  uintptr_t Map = FakeMap(900);
  writeOnThisThread(Map);
  uint64_t Before = __mapguard::HandoffHoldCount();
  writeOnNewThread(Map);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 1);
  // And handing it back is a handoff too.
  writeOnThisThread(Map);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 2);
}

TEST_P(HandoffTest, TheSameThreadWritingAgainDoesNotHold) {
  uintptr_t Map = FakeMap(901);
  uint64_t Before = __mapguard::HandoffHoldCount();
  for (int I = 0; I < 100; ++I)
    writeOnThisThread(Map);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before);
}

TEST_P(HandoffTest, AThreadsFirstWriteHoldsOnceAndOtherMapsDoNot) {
  uint64_t Before = __mapguard::HandoffHoldCount();
  writeOnNewThread(FakeMap(902)); // a new thread's first write
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 1);
  writeOnThisThread(FakeMap(903)); // a map nobody wrote, on a thread that has
  writeOnThisThread(FakeMap(904)); // written before
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 1);
  std::thread T([&] {
    writeOnThisThread(FakeMap(905)); // first write of this thread: a hold
    writeOnThisThread(FakeMap(906)); // second: none
  });
  T.join();
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 2);
}

TEST_P(HandoffTest, ZeroTurnsHoldsOff) {
  __mapguard::g_options.handoff_hold_us = 0;
  uintptr_t Map = FakeMap(907);
  writeOnThisThread(Map);
  uint64_t Before = __mapguard::HandoffHoldCount();
  writeOnNewThread(Map);
  writeOnThisThread(Map);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before);
}

TEST_P(HandoffTest, HoldsAreRateLimited) {
  // A long hold makes the refill (one per 50 holds' length, 0.5 s here) far
  // slower than this loop, so only the burst is taken: 16 holds of 10 ms.
  __mapguard::g_options.handoff_hold_us = 10000;
  uintptr_t Map = FakeMap(906);
  writeOnThisThread(Map);
  uint64_t Before = __mapguard::HandoffHoldCount();
  for (int I = 0; I < 100; ++I) {
    writeOnNewThread(Map);
    writeOnThisThread(Map);
  }
  uint64_t Taken = __mapguard::HandoffHoldCount() - Before;
  EXPECT_GE(Taken, uint64_t(__mapguard::kHoldBurst));
  // 200 handoffs take far less than the 0.5 s of one refill: at most one or
  // two more.
  EXPECT_LE(Taken, uint64_t(__mapguard::kHoldBurst) + 2);
}

TEST_P(HandoffTest, AMapHandedOverCorrectlyStopsHolding) {
  // Two threads take turns writing one map, each turn handed over through an
  // atomic (as a mutex would): every write is a handoff, but only the first
  // kHoldsPerMap of them hold, plus each thread's first write.
  uintptr_t Map = FakeMap(908);
  std::atomic<int> Turn{0};
  constexpr int kTurns = 100;
  auto Player = [&](int Me) {
    for (int I = Me; I < kTurns; I += 2) {
      while (Turn.load(std::memory_order_acquire) != I)
        std::this_thread::yield();
      writeOnThisThread(Map);
      Turn.store(I + 1, std::memory_order_release);
    }
  };
  uint64_t Before = __mapguard::HandoffHoldCount();
  std::thread A(Player, 0), B(Player, 1);
  A.join();
  B.join();
  EXPECT_EQ(__mapguard::HandoffHoldCount() - Before,
            uint64_t(__mapguard::kHoldsPerMap) + 2);
  // Another map still holds on its first handoff.
  uintptr_t Other = FakeMap(909);
  writeOnThisThread(Other);
  Before = __mapguard::HandoffHoldCount();
  writeOnNewThread(Other); // a new thread: its first write holds anyway
  writeOnThisThread(Other);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 2);
}

TEST_P(HandoffTest, AThreadsFirstReadHoldsOnce) {
  // A reader that starts just before a writer holds before its first look,
  // as a first write does; later reads and a later first write do not.
  uintptr_t Map = FakeMap(910);
  void *MapPtr = reinterpret_cast<void *>(Map);
  auto Read =
      GetParam() == Mode::Strict ? __mapguard_read : __mapguard_read_fast;
  uint64_t Before = __mapguard::HandoffHoldCount();
  uint64_t AfterReads = 0;
  std::thread T([&] {
    Read(MapPtr, &kSite);
    Read(MapPtr, &kSite);
    AfterReads = __mapguard::HandoffHoldCount();
    writeOnThisThread(FakeMap(911));
  });
  T.join();
  EXPECT_EQ(AfterReads, Before + 1);
  EXPECT_EQ(__mapguard::HandoffHoldCount(), Before + 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, HandoffTest, BothModes(), ModeParamName);

} // namespace
