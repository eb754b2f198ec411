//===-- thread_names_test.cpp - Threads named by the mapped tables --------===//
//
// A report names each thread by its kernel id and name, which the runtime
// records at registration in a table mapped on first use (thread.cpp), as
// it maps a report's stack buffers (stacks.cpp). Every thread, however late,
// gets its record; a thread that has exited is named by it; and a mapping
// that fails leaves a report without that part, not a crash.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <fstream>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::Conflict;
using __mapguard::g_options;

namespace {

std::string RegisteredName(uint16_t Index) {
  char Name[17];
  memset(Name, 'x', sizeof(Name));
  __mapguard::RegisteredThreadName(Index, Name);
  return Name;
}

struct Registered {
  uint16_t index = 0;
  pid_t tid = 0;
};

// Starts a thread named Name that registers and exits; its index and tid.
Registered RegisterAndExit(const std::string &Name) {
  Registered R;
  std::thread([&] {
    NameThisThread(Name.c_str());
    R.index = __mapguard::CurrentThreadIndex();
    R.tid = Gettid();
  }).join();
  return R;
}

TEST(ThreadNamesTest, AReportNamesAThreadThatHasExitedByItsRecord) {
  Registered Gone = RegisterAndExit("mg-gone");
  ASSERT_NE(Gone.index, 0u);
  EXPECT_EQ(__mapguard::ThreadTid(Gone.index), Gone.tid);
  EXPECT_EQ(RegisteredName(Gone.index), "mg-gone");
  // As report.cpp describes the thread of a key it met in a slot.
  Conflict C = {
      0x10,
      "M",
      {&kSecondSite, Gettid(), true},
      {&kFirstSite, __mapguard::ThreadTid(Gone.index), false, Gone.index}};
  std::string Text =
      CaptureOutput([&](int Fd) { __mapguard::PrintConflictReport(C, Fd); });
  EXPECT_NE(Text.find("  while thread " + std::to_string(Gone.tid) +
                      " \"mg-gone\" was writing it in writerA()"),
            std::string::npos)
      << Text;
}

TEST(ThreadNamesTest, AThreadRegisteredAfterManyOthersGetsItsName) {
  // Enough threads to spread their records over many pages of the table.
  constexpr int kThreads = 2000;
  std::vector<Registered> Many;
  for (int I = 0; I < kThreads; ++I)
    Many.push_back(RegisterAndExit("mg-n" + std::to_string(I)));
  Registered Late = RegisterAndExit("mg-late");
  EXPECT_GE(uint16_t(Late.index - Many.front().index), uint16_t(kThreads));
  EXPECT_EQ(__mapguard::ThreadTid(Late.index), Late.tid);
  EXPECT_EQ(RegisteredName(Late.index), "mg-late");
  int Wrong = 0;
  for (int I = 0; I < kThreads; ++I)
    Wrong += __mapguard::ThreadTid(Many[I].index) != Many[I].tid ||
             RegisteredName(Many[I].index) != "mg-n" + std::to_string(I);
  EXPECT_EQ(Wrong, 0);
}

class ThreadNamesDeathTest : public ::testing::TestWithParam<Mode> {};
INSTANTIATE_TEST_SUITE_P(Modes, ThreadNamesDeathTest, BothModes(),
                         ModeParamName);

TEST_P(ThreadNamesDeathTest, ALateThreadIsNamedWithItsTidInAReport) {
  // The whole path: a write held by a thread registered after thousands of
  // others, met by this thread's write; the report gives its recorded tid.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(90);
  ChildResult R = RunInChild([M, Map] {
    g_options.halt_on_error = true;
    for (int I = 0; I < 3000; ++I)
      RegisterAndExit("mg-early");
    NameThisThread("mg-second");
    HeldWrite First(M, Map, &kFirstSite, "mg-late");
    fprintf(stderr, "late tid %d\n", int(First.tid()));
    fflush(stderr);
    Begin(M, Map, &kSecondSite); // reports and aborts
  });
  ASSERT_TRUE(WIFSIGNALED(R.status)) << R.err;
  EXPECT_EQ(WTERMSIG(R.status), SIGABRT) << R.err;
  size_t At = R.err.find("late tid ");
  ASSERT_NE(At, std::string::npos) << R.err;
  std::string Tid = R.err.substr(At + 9, R.err.find('\n', At) - At - 9);
  EXPECT_NE(R.err.find("  write by thread " + std::to_string(R.pid) +
                       " \"mg-second\" in writerB(int)"),
            std::string::npos)
      << R.err;
  EXPECT_NE(R.err.find("  while thread " + Tid +
                       " \"mg-late\" was writing it in writerA()"),
            std::string::npos)
      << R.err;
}

// The process's address space now, in bytes (VmSize).
size_t AddressSpaceBytes() {
  std::ifstream Status("/proc/self/status");
  for (std::string Line; std::getline(Status, Line);)
    if (Line.rfind("VmSize:", 0) == 0)
      return size_t(std::stoull(Line.substr(7))) * 1024;
  return 0;
}

// Sets RLIMIT_AS to the address space in use: any mmap after fails.
bool LimitAddressSpaceToNow() {
  size_t Size = AddressSpaceBytes();
  struct rlimit Limit = {Size, Size};
  return Size != 0 && setrlimit(RLIMIT_AS, &Limit) == 0;
}

TEST(MappingFailureDeathTest, WithoutMemoryForStacksTheReportHasNone) {
  // With no address space left, the stack buffers cannot be mapped: one
  // line says so (verbosity=1), and the report follows with its threads
  // named (their table was mapped before).
  uintptr_t Map = FakeMap(91);
  ChildResult R = RunInChild([Map] {
    g_options.halt_on_error = true;
    g_options.verbosity = 1;
    NameThisThread("mg-second");
    HeldWrite First(Mode::Strict, Map, &kFirstSite, "mg-first");
    if (!LimitAddressSpaceToNow())
      _exit(3);
    g_options.stack_depth = 16;
    Begin(Mode::Strict, Map, &kSecondSite); // reports and aborts
  });
  ASSERT_TRUE(WIFSIGNALED(R.status)) << R.status << R.err;
  EXPECT_EQ(WTERMSIG(R.status), SIGABRT) << R.err;
  size_t Warning = R.err.find("MapGuard: cannot map ");
  ASSERT_NE(Warning, std::string::npos) << R.err;
  EXPECT_NE(R.err.find(" KiB for call stacks (ENOMEM); reports have no "
                       "stacks\n",
                       Warning),
            std::string::npos)
      << R.err;
  EXPECT_NE(R.err.find("\"mg-first\" was writing it in writerA() at "
                       "first.cpp:10:5 [insert]\nSUMMARY: "),
            std::string::npos)
      << "no stack lines expected: " << R.err;
  EXPECT_NE(R.err.find(" \"mg-second\" in writerB(int)"), std::string::npos)
      << R.err;
}

TEST(MappingFailureDeathTest, WithoutMemoryForThreadRecordsThreadsAreUnknown) {
  // A death test re-executes the binary: nothing has registered a thread,
  // so the thread records are not mapped yet when the limit is set. Both
  // threads still get indices and their writes are checked.
  uintptr_t Map = FakeMap(92);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        g_options.verbosity = 1;
        std::atomic<int> Step{0};
        std::thread Other([&] {
          NameThisThread("mg-first");
          while (Step.load() != 1)
            sched_yield();
          Begin(Mode::Strict, Map, &kFirstSite);
          Step.store(2);
          for (;;)
            pause(); // holds the write until the report aborts
        });
        if (!LimitAddressSpaceToNow())
          _exit(3);
        Step.store(1);
        while (Step.load() != 2)
          sched_yield();
        Begin(Mode::Strict, Map, &kSecondSite); // reports and aborts
      },
      ::testing::KilledBySignal(SIGABRT),
      "MapGuard: cannot map 1536 KiB for thread records \\(ENOMEM\\); "
      "reports name other threads \"\\?\"\n"
      ".*  while thread \\? \"\\?\" was writing it in writerA\\(\\)");
}

} // namespace
