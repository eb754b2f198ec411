//===-- flag_table_test.cpp - When two writers meet, in both modes --------===//
//
// Each test is one behaviour of the flag tables, run in strict and in fast
// mode where both modes promise it: overlapping writers of one map are
// reported with both sites; nested writes, other maps (even in the same
// bucket or slot) and maps born at a dead map's address are not.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <memory>
#include <signal.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::g_options;

namespace {

class FlagTableTest : public NoReportTest,
                      public ::testing::WithParamInterface<Mode> {};
class FlagTableDeathTest : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, FlagTableTest, BothModes(), ModeParamName);
INSTANTIATE_TEST_SUITE_P(Modes, FlagTableDeathTest, BothModes(), ModeParamName);

//===----------------------------------------------------------------------===//
// One thread
//===----------------------------------------------------------------------===//

TEST_P(FlagTableTest, BeginTakesASlotAndEndReleasesIt) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(1);
  uintptr_t Token = Begin(M, Map, &kFirstSite);
  EXPECT_NE(Token, 0u);
  EXPECT_EQ(M == Mode::Strict ? __mapguard::StrictTableOccupancy()
                              : __mapguard::FastTableOccupancy(),
            1u);
  End(M, Map, &kFirstSite, Token);
  // TearDown checks that the table is empty again.
}

TEST_P(FlagTableTest, NestedWriteOnTheSameThreadHasNothingToUndo) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(2);
  uintptr_t Outer = Begin(M, Map, &kFirstSite);
  ASSERT_NE(Outer, 0u);
  uintptr_t Inner = Begin(M, Map, &kSecondSite);
  EXPECT_EQ(Inner, 0u);
  End(M, Map, &kSecondSite, Inner);
  // The inner end must not have released the outer write's slot.
  EXPECT_EQ(M == Mode::Strict ? __mapguard::StrictTableOccupancy()
                              : __mapguard::FastTableOccupancy(),
            1u);
  End(M, Map, &kFirstSite, Outer);
}

TEST_P(FlagTableTest, MapsAtZeroOrAbove47BitsAreNotTracked) {
  Mode M = GetParam();
  for (uintptr_t Map :
       {uintptr_t(0), uintptr_t(1) << 47, uintptr_t(1) << 48, ~uintptr_t(7)}) {
    HeldWrite Other(M, Map, &kFirstSite);
    EXPECT_EQ(Other.token(), 0u);
    uintptr_t Token = Begin(M, Map, &kSecondSite);
    EXPECT_EQ(Token, 0u) << std::hex << Map;
    End(M, Map, &kSecondSite, Token);
  }
  uintptr_t Highest = (uintptr_t(1) << 47) - 8;
  uintptr_t Token = Begin(M, Highest, &kFirstSite);
  EXPECT_NE(Token, 0u);
  End(M, Highest, &kFirstSite, Token);
}

//===----------------------------------------------------------------------===//
// Two threads, no conflict
//===----------------------------------------------------------------------===//

TEST_P(FlagTableTest, WriteAfterAnotherThreadsWriteEndedIsNoConflict) {
  // A new map at a dead map's address: the first writer's key is gone.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(3);
  std::thread([&] {
    uintptr_t Token = Begin(M, Map, &kFirstSite);
    EXPECT_NE(Token, 0u);
    End(M, Map, &kFirstSite, Token);
  }).join();
  uintptr_t Token = Begin(M, Map, &kSecondSite);
  EXPECT_NE(Token, 0u);
  End(M, Map, &kSecondSite, Token);
}

TEST_P(FlagTableTest, TwoMapsInOneBucketAreNoConflict) {
  Mode M = GetParam();
  std::vector<uintptr_t> Maps = MapsSharingBucket(M, FakeMap(100), 2);
  {
    HeldWrite Other(M, Maps[0], &kFirstSite);
    EXPECT_NE(Other.token(), 0u);
    uintptr_t Token = Begin(M, Maps[1], &kSecondSite);
    // Strict mode has a second slot in the bucket; fast mode's one slot is
    // taken, so the write goes untracked.
    if (M == Mode::Strict)
      EXPECT_NE(Token, 0u);
    else
      EXPECT_EQ(Token, 0u);
    End(M, Maps[1], &kSecondSite, Token);
  }
  // And while both are written all the time.
  auto Writer = [M](uintptr_t Map, const Site *S) {
    for (int I = 0; I < 100000; ++I)
      End(M, Map, S, Begin(M, Map, S));
  };
  std::thread A(Writer, Maps[0], &kFirstSite);
  std::thread B(Writer, Maps[1], &kSecondSite);
  A.join();
  B.join();
}

//===----------------------------------------------------------------------===//
// Two threads, one map: reported
//===----------------------------------------------------------------------===//

TEST_P(FlagTableDeathTest, SecondWriterFindsTheFirstAtBegin) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(10);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-second");
        HeldWrite First(M, Map, &kFirstSite, "mg-first");
        Begin(M, Map, &kSecondSite); // reports and aborts
      },
      ::testing::KilledBySignal(SIGABRT),
      ReportPattern(Map, kSecondSite.container, kSecondSite, "mg-second",
                    kFirstSite, "mg-first"));
}

TEST_P(FlagTableDeathTest, FirstWriterFindsTheSecondAtEnd) {
  // The second writer looked before the first claimed (so it saw nothing)
  // and claims only now; the first writer's end hook must find it. In fast
  // mode the second writer's store overwrites the first's key.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(11);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-second");
        HeldWrite First(M, Map, &kFirstSite, "mg-first");
        uintptr_t Token = Claim(M, Map, &kSecondSite);
        First.end(); // reports and aborts on the first writer's thread
        End(M, Map, &kSecondSite, Token);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReportPattern(Map, kFirstSite.container, kSecondSite, "mg-second",
                    kFirstSite, "mg-first"));
}

//===----------------------------------------------------------------------===//
// Strict mode only: a bucket's slots, home and away from home
//===----------------------------------------------------------------------===//

using __mapguard::kSlotsPerBucket;

class StrictBucketTest : public NoReportTest {};

TEST_F(StrictBucketTest, MapBeyondAFullBucketGoesUntracked) {
  std::vector<uintptr_t> Maps =
      MapsSharingBucket(Mode::Strict, FakeMap(200), kSlotsPerBucket + 1);
  uintptr_t Extra = Maps.back();
  std::vector<uintptr_t> Tokens;
  for (unsigned I = 0; I < kSlotsPerBucket; ++I) {
    Tokens.push_back(__mapguard_write_begin((void *)Maps[I], &kFirstSite));
    EXPECT_NE(Tokens.back(), 0u) << "map " << I;
  }
  uint64_t UntrackedBefore = __mapguard::UntrackedWriteCount();
  uintptr_t Token = __mapguard_write_begin((void *)Extra, &kSecondSite);
  EXPECT_EQ(Token, 0u);
  EXPECT_EQ(__mapguard::UntrackedWriteCount(), UntrackedBefore + 1);
  __mapguard_write_end((void *)Extra, &kSecondSite, Token);
  // A slot freed is a slot for the extra map.
  __mapguard_write_end((void *)Maps[0], &kFirstSite, Tokens[0]);
  Token = __mapguard_write_begin((void *)Extra, &kSecondSite);
  EXPECT_NE(Token, 0u);
  __mapguard_write_end((void *)Extra, &kSecondSite, Token);
  for (unsigned I = 1; I < kSlotsPerBucket; ++I)
    __mapguard_write_end((void *)Maps[I], &kFirstSite, Tokens[I]);
}

// Each map written 20,000 times by a thread of its own.
static void WriteEachOnItsOwnThread(const std::vector<uintptr_t> &Maps) {
  std::vector<std::thread> Threads;
  for (uintptr_t Map : Maps)
    Threads.emplace_back([Map] {
      for (int I = 0; I < 20000; ++I)
        __mapguard_write_end((void *)Map, &kFirstSite,
                             __mapguard_write_begin((void *)Map, &kFirstSite));
    });
  for (std::thread &T : Threads)
    T.join();
}

TEST_F(StrictBucketTest, SixMapsInOneBucketWrittenBySixThreads) {
  WriteEachOnItsOwnThread(MapsSharingBucket(Mode::Strict, FakeMap(300), 6));
}

TEST_F(StrictBucketTest, SixMapsSharingOneHomeSlotWrittenBySixThreads) {
  // All writes but one at a time go away from home, and the count must come
  // back to 0 (TearDown).
  WriteEachOnItsOwnThread(MapsSharingHome(FakeMap(350), 6));
}

TEST(StrictBucketDeathTest, ConflictInAFullBucketIsFound) {
  std::vector<uintptr_t> Maps =
      MapsSharingBucket(Mode::Strict, FakeMap(400), kSlotsPerBucket);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-second");
        for (unsigned I = 1; I < kSlotsPerBucket; ++I) // all slots but one
          __mapguard_write_begin((void *)Maps[I], &kThirdSite);
        HeldWrite First(Mode::Strict, Maps[0], &kFirstSite, "mg-first");
        __mapguard_write_begin((void *)Maps[0], &kSecondSite);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReportPattern(Maps[0], kSecondSite.container, kSecondSite, "mg-second",
                    kFirstSite, "mg-first"));
}

TEST_F(StrictBucketTest, WriteWhoseHomeIsTakenGoesAwayAndIsCounted) {
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(360), 2);
  HeldWrite Other(Mode::Strict, Maps[0], &kFirstSite);
  ASSERT_NE(Other.token(), 0u);
  EXPECT_EQ(__mapguard::StrictAwayCount(), 0u);
  uintptr_t Outer = __mapguard_write_begin((void *)Maps[1], &kSecondSite);
  ASSERT_NE(Outer, 0u);
  EXPECT_NE(Outer & ~uintptr_t(15), Other.token());
  EXPECT_EQ(__mapguard::StrictAwayCount(), 1u);
  // Nested on this thread, away from home: nothing to undo, nothing counted.
  uintptr_t Inner = __mapguard_write_begin((void *)Maps[1], &kThirdSite);
  EXPECT_EQ(Inner, 0u);
  EXPECT_EQ(__mapguard::StrictAwayCount(), 1u);
  __mapguard_write_end((void *)Maps[1], &kThirdSite, Inner);
  EXPECT_EQ(__mapguard::StrictTableOccupancy(), 2u);
  __mapguard_write_end((void *)Maps[1], &kSecondSite, Outer);
  EXPECT_EQ(__mapguard::StrictAwayCount(), 0u);
}

// The writers of one map, one at home and one away from it, or both away:
// a map sharing its home (Maps[0], on "mg-other") holds the home slot while
// the first writer of Maps[1] (kFirstSite, on "mg-first") begins, so that
// it goes away from home. Then:
//   HomeAtBegin     the other map's write ends, and the second writer
//                   (kSecondSite, on this thread) claims the home slot,
//                   finds the count nonzero and the first writer;
//   HomeAtEnd       the same, but the second claims without looking, and
//                   the first's end hook finds it at home;
//   BothAway        the second begins with the home slot still taken, and
//                   finds the first from its own slot away from home.
enum class Where { HomeAtBegin, HomeAtEnd, BothAway };
static void OverlapAwayFromHome(Where W, const std::vector<uintptr_t> &Maps) {
  g_options.halt_on_error = true;
  NameThisThread("mg-second");
  // This thread's first write registers it, so that its writes below take
  // the hooks' common case (a free home slot), as a running program's do.
  __mapguard_write_end(
      (void *)FakeMap(419), &kThirdSite,
      __mapguard_write_begin((void *)FakeMap(419), &kThirdSite));
  auto Other = std::make_unique<HeldWrite>(Mode::Strict, Maps[0], &kThirdSite,
                                           "mg-other");
  HeldWrite First(Mode::Strict, Maps[1], &kFirstSite, "mg-first");
  if (!(First.token() & 1))
    return; // not away from home: no report, and the test fails
  if (W == Where::BothAway) {
    __mapguard_write_begin((void *)Maps[1], &kSecondSite); // aborts
    _exit(3); // before First's end could report instead
  }
  Other.reset();
  if (W == Where::HomeAtBegin) {
    __mapguard_write_begin((void *)Maps[1], &kSecondSite); // aborts
    _exit(3); // before First's end could report instead
  }
  uintptr_t Token = Claim(Mode::Strict, Maps[1], &kSecondSite);
  if (Token & 1)
    return;    // not at home
  First.end(); // reports and aborts on the first writer's thread
  __mapguard_write_end((void *)Maps[1], &kSecondSite, Token);
}

class StrictAwayDeathTest : public ::testing::TestWithParam<Where> {};

INSTANTIATE_TEST_SUITE_P(Overlaps, StrictAwayDeathTest,
                         ::testing::Values(Where::HomeAtBegin, Where::HomeAtEnd,
                                           Where::BothAway),
                         [](const ::testing::TestParamInfo<Where> &Info) {
                           return Info.param == Where::HomeAtBegin
                                      ? "HomeWriterFindsAwayAtBegin"
                                  : Info.param == Where::HomeAtEnd
                                      ? "AwayWriterFindsHomeAtEnd"
                                      : "TwoAwayWriters";
                         });

TEST_P(StrictAwayDeathTest, BothWritersAreNamed) {
  std::vector<uintptr_t> Maps =
      MapsSharingHome(FakeMap(410 + unsigned(GetParam())), 2);
  // The report comes from the thread that found the other: the first
  // writer's end hook in HomeAtEnd, the second's begin otherwise.
  const char *Container = GetParam() == Where::HomeAtEnd
                              ? kFirstSite.container
                              : kSecondSite.container;
  EXPECT_EXIT(OverlapAwayFromHome(GetParam(), Maps),
              ::testing::KilledBySignal(SIGABRT),
              ReportPattern(Maps[1], Container, kSecondSite, "mg-second",
                            kFirstSite, "mg-first"));
}

TEST_F(StrictBucketTest, CommonCaseClaimsTheMapsTombstoneInPlace) {
  // A thread's own tombstone and, at a handoff, another thread's: claimed
  // where it is (the map keeps one slot), nothing reported.
  uintptr_t Map = FakeMap(420);
  uintptr_t First = __mapguard_write_begin((void *)Map, &kFirstSite);
  ASSERT_NE(First, 0u);
  __mapguard_write_end((void *)Map, &kFirstSite, First);
  for (int Round = 0; Round < 3; ++Round) {
    for (int I = 0; I < 3; ++I) {
      uintptr_t Token = __mapguard_write_begin((void *)Map, &kFirstSite);
      // (Its own tombstone: biased after the first, bias.cpp.)
      EXPECT_EQ(Token & ~__mapguard::kTokenBits, First);
      __mapguard_write_end((void *)Map, &kFirstSite, Token);
    }
    HeldWrite Other(Mode::Strict, Map, &kSecondSite);
    EXPECT_EQ(Other.token(), First);
  }
}

//===----------------------------------------------------------------------===//
// Fast mode only: one slot per hash value
//===----------------------------------------------------------------------===//

class FastSlotTest : public NoReportTest {};

TEST_F(FastSlotTest, WriterOverwrittenByAnotherMapsWriterIsNoConflict) {
  // Both read the slot empty; the other map's writer stored last. Neither
  // end hook may report, and the slot must end up empty.
  std::vector<uintptr_t> Maps = MapsSharingBucket(Mode::Fast, FakeMap(500), 2);
  HeldWrite First(Mode::Fast, Maps[0], &kFirstSite);
  ASSERT_NE(First.token(), 0u);
  uintptr_t Token = Claim(Mode::Fast, Maps[1], &kSecondSite);
  First.end();
  EXPECT_EQ(__mapguard::FastTableOccupancy(), 1u);
  __mapguard_write_end_fast((void *)Maps[1], &kSecondSite, Token);
}

TEST_F(FastSlotTest, EndLeavesATombstoneThatIsFreeForAnyone) {
  uintptr_t Map = FakeMap(510);
  uintptr_t Token = Begin(Mode::Fast, Map, &kFirstSite);
  ASSERT_NE(Token, 0u);
  End(Mode::Fast, Map, &kFirstSite, Token);
  auto *Slot = reinterpret_cast<std::atomic<uint64_t> *>(Token);
  uint64_t Tomb = Slot->load();
  EXPECT_EQ(Tomb, __mapguard::MakeKey(Map, __mapguard::CurrentThreadIndex()) |
                      __mapguard::kTombBit);
  EXPECT_EQ(__mapguard::FastTableOccupancy(), 0u);
  // Another thread, and this one again, may take it.
  HeldWrite Other(Mode::Fast, Map, &kSecondSite);
  EXPECT_EQ(Other.token(), Token);
  Other.end();
  Token = Begin(Mode::Fast, Map, &kFirstSite);
  EXPECT_NE(Token, 0u);
  End(Mode::Fast, Map, &kFirstSite, Token);
}

TEST(FastSlotOptionsTest, StressTurnsTheInlineClaimOff) {
  // The pass's inline path claims a slot only while __mapguard_fast_inline
  // is set; under stress every write must reach the runtime's delays.
  __mapguard::Options Saved = g_options;
  __mapguard::InitOptionsOrDie("stress=1");
  EXPECT_EQ(__mapguard_fast_inline, 0);
  __mapguard::InitOptionsOrDie("stress=0");
  EXPECT_EQ(__mapguard_fast_inline, 1);
  g_options = Saved;
}

TEST(FastSlotDeathTest, OverwriterThatFinishedIsFoundByItsTombstone) {
  // The second writer read the slot free before the first claimed, stored
  // over the first's key and has already ended: the first's end hook finds
  // the second's tombstone for the same map, and reports.
  uintptr_t Map = FakeMap(511);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-second");
        HeldWrite First(Mode::Fast, Map, &kFirstSite, "mg-first");
        uintptr_t Token = Claim(Mode::Fast, Map, &kSecondSite);
        End(Mode::Fast, Map, &kSecondSite, Token);
        First.end(); // reports and aborts on the first writer's thread
      },
      ::testing::KilledBySignal(SIGABRT),
      ReportPattern(Map, kFirstSite.container, kSecondSite, "mg-second",
                    kFirstSite, "mg-first"));
}

//===----------------------------------------------------------------------===//
// Thread identity
//===----------------------------------------------------------------------===//

TEST(ThreadIdentityTest, EachThreadHasItsOwnIndexAndTid) {
  uint16_t Mine = __mapguard::CurrentThreadIndex();
  EXPECT_NE(Mine, 0u);
  EXPECT_EQ(__mapguard::CurrentThreadIndex(), Mine);
  EXPECT_EQ(__mapguard::ThreadTid(Mine), Gettid());
  uint16_t Theirs = 0;
  pid_t TheirTid = 0;
  std::thread([&] {
    Theirs = __mapguard::CurrentThreadIndex();
    TheirTid = Gettid();
  }).join();
  EXPECT_NE(Theirs, 0u);
  EXPECT_NE(Theirs, Mine);
  EXPECT_EQ(__mapguard::ThreadTid(Theirs), TheirTid);
}

} // namespace
