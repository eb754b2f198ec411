//===-- bias_test.cpp - Strict mode's biased buckets ----------------------===//
//
// A bucket is granted to the thread that writes a map of it twice in a row;
// its writes there are then plain stores, and another thread's write takes
// the bucket back (runtime/bias.cpp). These tests step both threads through
// the protocol's windows one at a time, including the one a test of whole
// writes cannot reach: the owner announced in its marker and passed its
// check of the bias, but has not stored its key yet, when the other thread
// takes the bucket back.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <chrono>
#include <sys/wait.h>

using namespace mapguard_test;
using namespace __mapguard;

namespace {

uint64_t BiasWord(uintptr_t Map) {
  return StrictBucket(Map).bias.load(std::memory_order_relaxed);
}
uint64_t KeyOf(uintptr_t Map) {
  return MakeKey(Map, uint16_t(CurrentThreadIndex()));
}
void Write(uintptr_t Map, const Site *S) {
  __mapguard_write_end((void *)Map, S, __mapguard_write_begin((void *)Map, S));
}
// Writes Map on another thread, start to end.
void WriteOnOtherThread(uintptr_t Map, const Site *S) {
  std::thread([&] { Write(Map, S); }).join();
}
// Writes Map twice on the calling thread: the bucket is then its own.
void Bias(uintptr_t Map) {
  Write(Map, &kFirstSite);
  Write(Map, &kFirstSite);
  ASSERT_TRUE(BiasedTo(BiasWord(Map), uint16_t(CurrentThreadIndex())))
      << std::hex << BiasWord(Map);
}

class BiasTest : public NoReportTest {
protected:
  void SetUp() override {
    NoReportTest::SetUp();
    g_options.bias = true;
    g_options.handoff_hold_us = 0;
    SavedMax = g_max_bias_strikes;
    SavedEpoch = g_bias_epoch_per_barrier;
    SavedBurst = g_bias_budget_burst_ns;
    ResetBiasBudget();
  }
  void TearDown() override {
    g_max_bias_strikes = SavedMax;
    g_bias_epoch_per_barrier = SavedEpoch;
    g_bias_budget_burst_ns = SavedBurst;
    ResetBiasBudget();
    EXPECT_EQ(*__mapguard_marker, 0u) << "a marker left set";
    NoReportTest::TearDown();
  }
  unsigned SavedMax = 0;
  uint64_t SavedEpoch = 0;
  uint64_t SavedBurst = 0;
};

TEST_F(BiasTest, ASecondWriteGrantsTheBucketAndLaterOnesArePlainStores) {
  uintptr_t Map = FakeMap(9000);
  ASSERT_TRUE(BiasGrantable(BiasWord(Map)));
  uintptr_t First = __mapguard_write_begin((void *)Map, &kFirstSite);
  EXPECT_EQ(First & kBiasedTokenBit, 0u);
  __mapguard_write_end((void *)Map, &kFirstSite, First);
  Bias(Map);
  uintptr_t Token = __mapguard_write_begin((void *)Map, &kFirstSite);
  EXPECT_EQ(Token, First | kBiasedTokenBit);
  EXPECT_EQ(HomeSlot(Map).key.load(), KeyOf(Map)); // readers still see it
  EXPECT_EQ(*__mapguard_marker, KeyOf(Map));
  __mapguard_write_end((void *)Map, &kFirstSite, Token);
  EXPECT_EQ(HomeSlot(Map).key.load(), KeyOf(Map) | kTombBit);
}

TEST_F(BiasTest, WithBiasOffABucketIsNeverGranted) {
  g_options.bias = false;
  uintptr_t Map = FakeMap(9010);
  for (int I = 0; I < 4; ++I) {
    uintptr_t Token = __mapguard_write_begin((void *)Map, &kFirstSite);
    EXPECT_EQ(Token & kBiasedTokenBit, 0u);
    __mapguard_write_end((void *)Map, &kFirstSite, Token);
  }
  EXPECT_TRUE(BiasWord(Map) & kBiasNeverBit) << std::hex << BiasWord(Map);
}

TEST_F(BiasTest, AHandoffSoonAfterTheGrantIsAStrikeAndEnoughEndTheBias) {
  g_max_bias_strikes = 3;
  g_bias_epoch_per_barrier = uint64_t(1) << 40; // every epoch is short
  g_bias_budget_burst_ns = 0;                   // and every barrier too many
  uintptr_t Map = FakeMap(9020);
  uint64_t Before = BiasRevocationCount();
  for (unsigned Round = 0; Round < 3; ++Round) {
    Bias(Map);
    WriteOnOtherThread(Map, &kSecondSite);
    EXPECT_FALSE(BiasWord(Map) & kBiasHeldBit);
  }
  EXPECT_EQ(BiasRevocationCount() - Before, 3u);
  EXPECT_TRUE(BiasWord(Map) & kBiasNeverBit);
  Write(Map, &kFirstSite);
  uintptr_t Token = __mapguard_write_begin((void *)Map, &kFirstSite);
  EXPECT_EQ(Token & kBiasedTokenBit, 0u); // a compare-and-swap again
  __mapguard_write_end((void *)Map, &kFirstSite, Token);
}

TEST_F(BiasTest, HandoffsAfterLongEpochsKeepTheBucketBiasable) {
  // A map that stays with one thread a long while between handoffs (a map
  // shared under a lock that threads take in turns, for many writes each)
  // keeps being granted: its membarriers cost little.
  g_max_bias_strikes = 2;
  uintptr_t Map = FakeMap(9025);
  for (unsigned Round = 0; Round < 4; ++Round) {
    Bias(Map);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    WriteOnOtherThread(Map, &kSecondSite);
    EXPECT_FALSE(BiasWord(Map) & kBiasNeverBit) << "round " << Round;
  }
  // The same handoffs with every epoch counted short, the budget spent:
  // ended at 2.
  g_bias_epoch_per_barrier = uint64_t(1) << 40;
  g_bias_budget_burst_ns = 0;
  for (unsigned Round = 0; Round < 2; ++Round) {
    Bias(Map);
    WriteOnOtherThread(Map, &kSecondSite);
  }
  EXPECT_TRUE(BiasWord(Map) & kBiasNeverBit);
}

TEST_F(BiasTest, ShortEpochsAreNoStrikesWhileTheBudgetLasts) {
  // Handoffs soon after each grant (a map shared under a lock that changes
  // hands every few writes) keep the bucket biasable while revocations'
  // membarriers stay within their share of the time; once it is spent, the
  // same handoffs strike.
  g_max_bias_strikes = 2;
  g_bias_epoch_per_barrier = uint64_t(1) << 40; // every epoch is short
  g_bias_budget_burst_ns = uint64_t(1) << 40;   // a budget never spent
  uintptr_t Map = FakeMap(9030);
  uint64_t Before = BiasRevocationCount();
  for (unsigned Round = 0; Round < 6; ++Round) {
    Bias(Map);
    WriteOnOtherThread(Map, &kSecondSite);
    EXPECT_FALSE(BiasWord(Map) & kBiasNeverBit) << "round " << Round;
  }
  EXPECT_EQ(BiasRevocationCount() - Before, 6u);
  g_bias_budget_burst_ns = 0;
  for (unsigned Round = 0; Round < 2; ++Round) {
    Bias(Map);
    WriteOnOtherThread(Map, &kSecondSite);
  }
  EXPECT_TRUE(BiasWord(Map) & kBiasNeverBit);
}

// The owner (this thread) has announced its write and passed its check of
// the bias; before it stores its key, another thread begins to write.
struct Stalled {
  uintptr_t Map;
  uint64_t Key;
  explicit Stalled(uintptr_t M) : Map(M), Key(0) {
    Bias(Map);
    Key = KeyOf(Map);
    EXPECT_TRUE(BiasAnnounce(StrictBucket(Map), Key, &kFirstSite));
  }
  // The rest of the owner's write: its key, then its end.
  void finish(const Site *S) {
    BiasedStore(HomeSlot(Map), Key, S);
    uintptr_t Token = uintptr_t(&HomeSlot(Map)) | kBiasedTokenBit;
    __mapguard_write_end((void *)Map, S, Token);
  }
};

TEST(BiasDeathTest, AWriteBetweenItsCheckAndItsStoreIsFoundByTheRevoker) {
  uintptr_t Map = FakeMap(9030);
  // The other thread takes the bucket back, finds the owner's marker,
  // publishes its key, and its own claim then meets it.
  EXPECT_EXIT(
      {
        g_options.handoff_hold_us = 0;
        NameThisThread("mg-first");
        Stalled Owner(Map);
        std::thread([&] {
          NameThisThread("mg-second");
          Write(Map, &kSecondSite);
        }).join();
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReportPattern(Map, kSecondSite.container, kSecondSite, "mg-second",
                    kFirstSite, "mg-first"));
}

TEST_F(BiasTest, APublishedKeyIsTakenBackAtTheOwnersEnd) {
  // Two maps sharing a home slot: the owner stalls writing the first while
  // another thread writes the second (no conflict: it goes away from home,
  // where the first's key was published).
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(9040), 2);
  Stalled Owner(Maps[0]);
  uint64_t Revoked = BiasRevocationCount();
  WriteOnOtherThread(Maps[1], &kSecondSite);
  EXPECT_EQ(BiasRevocationCount(), Revoked + 1);
  EXPECT_EQ(HomeSlot(Maps[0]).key.load(), Owner.Key); // published
  Owner.finish(&kFirstSite);
  EXPECT_EQ(HomeSlot(Maps[0]).key.load(), Owner.Key | kTombBit);
  // Nothing stale: both maps are written again from both threads.
  WriteOnOtherThread(Maps[0], &kSecondSite);
  Write(Maps[1], &kFirstSite);
  Write(Maps[0], &kFirstSite);
}

TEST_F(BiasTest, AnAnnouncementThatLosesTheBiasFallsBackToTheClaim) {
  // The owner stores its marker; the bucket is taken back (the revoker
  // publishes the owner's key); the owner's check then fails, and its begin
  // hook undoes the publication before it claims as usual.
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(9050), 2);
  Bias(Maps[0]);
  uint64_t Key = KeyOf(Maps[0]);
  *__mapguard_marker = Key; // announced, not yet checked
  WriteOnOtherThread(Maps[1], &kSecondSite);
  EXPECT_EQ(HomeSlot(Maps[0]).key.load(), Key); // published
  EXPECT_FALSE(BiasedTo(BiasWord(Maps[0]), uint16_t(CurrentThreadIndex())));
  uintptr_t Token = __mapguard_write_begin((void *)Maps[0], &kFirstSite);
  EXPECT_NE(Token, 0u);
  EXPECT_EQ(Token & kBiasedTokenBit, 0u);
  EXPECT_EQ(*__mapguard_marker, 0u);
  __mapguard_write_end((void *)Maps[0], &kFirstSite, Token);
  WriteOnOtherThread(Maps[0], &kSecondSite);
}

TEST_F(BiasTest, AForkedChildStartsWithEveryBucketUnbiased) {
  uintptr_t Map = FakeMap(9060);
  Bias(Map);
  ChildResult R = RunInChild([Map] {
    if (BiasWord(Map) != 0)
      _exit(3);
    Write(Map, &kFirstSite);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 0) << R.err;
}

} // namespace
