//===-- fork_test.cpp - The child of fork() starts afresh -----------------===//
//
// The writes other threads had open at fork() are not the child's: it starts
// with empty tables, a free report lock, and its thread's new kernel tid.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::g_options;

namespace {

class ForkTest : public NoReportTest,
                 public ::testing::WithParamInterface<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, ForkTest, BothModes(), ModeParamName);

TEST_P(ForkTest, ChildStartsWithAnEmptyTable) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(70);
  HeldWrite Parent(M, Map, &kFirstSite, "mg-parent");
  ASSERT_NE(Parent.token(), 0u);
  uint16_t Index = __mapguard::CurrentThreadIndex();
  ChildResult R = RunInChild([M, Map, Index] {
    g_options.halt_on_error = true; // a report would abort the child
    if (__mapguard::StrictTableOccupancy() || __mapguard::FastTableOccupancy())
      _exit(2);
    if (__mapguard::CurrentThreadIndex() != Index ||
        __mapguard::ThreadTid(Index) != Gettid())
      _exit(3);
    uintptr_t Token = Begin(M, Map, &kSecondSite);
    if (Token == 0)
      _exit(4);
    End(M, Map, &kSecondSite, Token);
    _exit(0);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 0) << R.err;
  EXPECT_EQ(R.err, "");
  // The parent's own write is still held.
  EXPECT_EQ(M == Mode::Strict ? __mapguard::StrictTableOccupancy()
                              : __mapguard::FastTableOccupancy(),
            1u);
}

TEST(ForkReportLockTest, ChildCanReportWhileTheParentHoldsTheLock) {
  __mapguard::LockReports();
  ChildResult R = RunInChild([] {
    g_options.halt_on_error = true;
    HeldWrite First(Mode::Strict, FakeMap(71), &kFirstSite, "mg-first");
    Begin(Mode::Strict, FakeMap(71), &kSecondSite); // reports and aborts
  });
  __mapguard::UnlockReports();
  ASSERT_TRUE(WIFSIGNALED(R.status)) << R.err;
  EXPECT_EQ(WTERMSIG(R.status), SIGABRT) << "SIGALRM: the report hung";
  EXPECT_NE(R.err.find("ERROR: MapGuard: concurrent map writes"),
            std::string::npos)
      << R.err;
}

} // namespace
