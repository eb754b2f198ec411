//===-- report_test.cpp - The report's text, halt_on_error=0, log_path ----===//
//
// The report's exact text for every kind of site, where it goes (log_path),
// and halt_on_error=0: each unordered pair of sites reported once, the
// summary at exit and the exit status.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::Conflict;
using __mapguard::g_options;

namespace {

std::string Format(const Conflict &C) {
  return CaptureOutput([&](int Fd) { __mapguard::PrintConflictReport(C, Fd); });
}

std::string CurrentThreadName() {
  char Name[17] = {};
  prctl(PR_GET_NAME, Name, 0, 0, 0);
  return Name;
}

std::string Pid() { return "==" + std::to_string(getpid()) + "=="; }

// A live thread with a name, for the "other" side of a report.
class NamedThread {
public:
  explicit NamedThread(const char *Name) {
    Thread = std::thread([this, Name] {
      NameThisThread(Name);
      Tid.store(Gettid());
      while (!Done.load())
        sched_yield();
    });
    while (!Tid.load())
      sched_yield();
  }
  ~NamedThread() {
    Done.store(true);
    Thread.join();
  }
  pid_t tid() const { return Tid.load(); }

private:
  std::thread Thread;
  std::atomic<pid_t> Tid{0};
  std::atomic<bool> Done{false};
};

//===----------------------------------------------------------------------===//
// The text
//===----------------------------------------------------------------------===//

TEST(ReportTextTest, FullReport) {
  NamedThread Other("mg-other");
  Conflict C = {0x7f0000100008,
                "std::map<int, int>",
                {&kSecondSite, Gettid(), true},
                {&kFirstSite, Other.tid(), false}};
  EXPECT_EQ(Format(C),
            Pid() +
                "ERROR: MapGuard: concurrent map writes\n"
                "fatal error: concurrent map writes\n"
                "  map 0x7f0000100008 (std::map<int, int>)\n"
                "  write by thread " +
                std::to_string(Gettid()) + " \"" + CurrentThreadName() +
                "\" in writerB(int) at second.cpp:20:7 [operator[]]\n"
                "  while thread " +
                std::to_string(Other.tid()) +
                " \"mg-other\" was writing it in writerA() at first.cpp:10:5 "
                "[insert]\n"
                "SUMMARY: MapGuard: concurrent map writes second.cpp:20 in "
                "writerB(int)\n");
}

TEST(ReportTextTest, TheSecondWriterMayBeTheOtherThread) {
  // An end hook found the conflict: the current thread was first.
  NamedThread Other("mg-other");
  Conflict C = {0x1000,
                "M",
                {&kSecondSite, Other.tid(), false},
                {&kFirstSite, Gettid(), true}};
  std::string Text = Format(C);
  EXPECT_NE(Text.find("  write by thread " + std::to_string(Other.tid()) +
                      " \"mg-other\" in writerB(int)"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("  while thread " + std::to_string(Gettid()) + " \"" +
                      CurrentThreadName() + "\" was writing it in writerA()"),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("\nSUMMARY: MapGuard: concurrent map writes "
                      "second.cpp:20 in writerB(int)\n"),
            std::string::npos)
      << Text;
}

// The "write by" line and the summary for one site, the other side fixed.
struct SiteLines {
  std::string WriteBy, Summary;
};
SiteLines LinesFor(const __mapguard::Site *S) {
  Conflict C = {0x10, "M", {S, 42, false}, {&kFirstSite, 43, false}};
  std::string Text = Format(C);
  auto Line = [&Text](const std::string &Prefix) {
    size_t At = Text.find(Prefix);
    if (At == std::string::npos)
      return std::string("<missing>");
    return Text.substr(At, Text.find('\n', At) - At);
  };
  return {Line("  write by "), Line("SUMMARY: ")};
}

TEST(ReportTextTest, LineZeroPrintsTheFileAlone) {
  __mapguard::Site S = {"a.cpp", "f()", "M", "insert", 0, 0};
  SiteLines L = LinesFor(&S);
  EXPECT_EQ(L.WriteBy, "  write by thread 42 \"?\" in f() at a.cpp [insert]");
  EXPECT_EQ(L.Summary, "SUMMARY: MapGuard: concurrent map writes a.cpp in f()");
}

TEST(ReportTextTest, ColumnZeroIsOmitted) {
  __mapguard::Site S = {"a.cpp", "f()", "M", "erase", 12, 0};
  SiteLines L = LinesFor(&S);
  EXPECT_EQ(L.WriteBy, "  write by thread 42 \"?\" in f() at a.cpp:12 [erase]");
  EXPECT_EQ(L.Summary,
            "SUMMARY: MapGuard: concurrent map writes a.cpp:12 in f()");
}

TEST(ReportTextTest, EmptyOrMissingFieldsAreUnknown) {
  __mapguard::Site S = {"", nullptr, nullptr, "", 12, 3};
  SiteLines L = LinesFor(&S);
  EXPECT_EQ(L.WriteBy, "  write by thread 42 \"?\" in <unknown> at "
                       "<unknown>:12:3 [<unknown>]");
  EXPECT_EQ(L.Summary,
            "SUMMARY: MapGuard: concurrent map writes <unknown>:12 in "
            "<unknown>");
  Conflict C = {0x10, nullptr, {&S, 42, false}, {&kFirstSite, 43, false}};
  EXPECT_NE(Format(C).find("  map 0x10 (<unknown>)\n"), std::string::npos);
}

TEST(ReportTextTest, UnreadableSitesAreUnknownSites) {
  SiteLines L = LinesFor(nullptr);
  EXPECT_EQ(L.WriteBy, "  write by thread 42 \"?\" at <unknown site>");
  EXPECT_EQ(L.Summary,
            "SUMMARY: MapGuard: concurrent map writes <unknown site>");
  Conflict C = {0x10, "M", {&kSecondSite, 42, false}, {nullptr, 43, false}};
  EXPECT_NE(Format(C).find("  while thread 43 \"?\" was writing it at "
                           "<unknown site>\n"),
            std::string::npos);
}

TEST(ReportTextTest, ThreadsOutsideThisProcessHaveNoName) {
  // /proc/self/task/<tid> exists only for this process's threads.
  Conflict C = {0x10,
                "M",
                {&kSecondSite, pid_t(getppid()), false},
                {&kFirstSite, 0, false}};
  std::string Text = Format(C);
  EXPECT_NE(Text.find("  write by thread " + std::to_string(getppid()) +
                      " \"?\" in "),
            std::string::npos)
      << Text;
  EXPECT_NE(Text.find("  while thread ? \"?\" was writing it in "),
            std::string::npos)
      << Text;
}

TEST(ReportTextTest, LongNamesAreWrittenWhole) {
  std::string Long(20000, 'x');
  __mapguard::Site S = {"a.cpp", Long.c_str(), "M", "insert", 1, 2};
  SiteLines L = LinesFor(&S);
  EXPECT_EQ(L.WriteBy,
            "  write by thread 42 \"?\" in " + Long + " at a.cpp:1:2 [insert]");
}

//===----------------------------------------------------------------------===//
// halt_on_error=0
//===----------------------------------------------------------------------===//

class KeepGoingTest : public ::testing::TestWithParam<Mode> {};
class KeepGoingDeathTest : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, KeepGoingTest, BothModes(), ModeParamName);
INSTANTIATE_TEST_SUITE_P(Modes, KeepGoingDeathTest, BothModes(), ModeParamName);

// Writes Map at S on this thread while First holds it.
void WriteWhileHeld(Mode M, uintptr_t Map, const __mapguard::Site *S) {
  End(M, Map, S, Begin(M, Map, S));
}

TEST_P(KeepGoingDeathTest, ExitsWithExitcodeAndSummary) {
  Mode M = GetParam();
  EXPECT_EXIT(
      {
        g_options.halt_on_error = false;
        g_options.exitcode = 66;
        uintptr_t Map = FakeMap(20);
        {
          HeldWrite First(M, Map, &kFirstSite, "mg-first");
          WriteWhileHeld(M, Map, &kSecondSite);
        }
        exit(0);
      },
      ::testing::ExitedWithCode(66),
      "ERROR: MapGuard: concurrent map writes\n.*"
      "==[0-9]+==MapGuard: 1 concurrent map write report\\(s\\)\n"
      "SUMMARY: MapGuard: 1 concurrent map write report\\(s\\)\n");
}

TEST_P(KeepGoingTest, EachPairOfSitesIsReportedOnce) {
  Mode M = GetParam();
  ChildResult R = RunInChild([M] {
    g_options.halt_on_error = false;
    g_options.exitcode = 66;
    uintptr_t X = FakeMap(30), Y = FakeMap(31);
    {
      HeldWrite First(M, X, &kFirstSite, "mg-first");
      for (int I = 0; I < 3; ++I)
        WriteWhileHeld(M, X, &kSecondSite); // {first, second}
      WriteWhileHeld(M, X, &kThirdSite);    // {first, third}
    }
    {
      HeldWrite Second(M, Y, &kSecondSite, "mg-second");
      WriteWhileHeld(M, Y, &kFirstSite); // {second, first}: the same pair
    }
    if (__mapguard::StrictTableOccupancy() || __mapguard::FastTableOccupancy())
      _exit(3); // every slot taken must still be released
    if (__mapguard::ReportCount() != 2)
      _exit(4);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 66) << R.err;
  EXPECT_EQ(CountOf(R.err, "ERROR: MapGuard: concurrent map writes\n"), 2u)
      << R.err;
  EXPECT_EQ(CountOf(R.err, "in writerB(int) at second.cpp:20:7"), 1u) << R.err;
  EXPECT_EQ(CountOf(R.err, "in writerC() at third.cpp:30:9"), 1u) << R.err;
  std::string Pid = "==" + std::to_string(R.pid) + "==";
  std::string Summary = Pid +
                        "MapGuard: 2 concurrent map write report(s)\n"
                        "SUMMARY: MapGuard: 2 concurrent map write report(s)\n";
  ASSERT_GE(R.err.size(), Summary.size());
  EXPECT_EQ(R.err.substr(R.err.size() - Summary.size()), Summary) << R.err;
}

TEST(KeepGoingDedupeTest, AnUnknownOtherSiteAddsNothingToAReportedSite) {
  ChildResult R = RunInChild([] {
    g_options.halt_on_error = false;
    g_options.exitcode = 66;
    auto Report = [](const __mapguard::Site *Second,
                     const __mapguard::Site *First) {
      __mapguard::Conflict C = {};
      C.map = FakeMap(50);
      C.container = "std::map<int, int>";
      C.second = {Second, 101, true};
      C.first = {First, 102, false};
      __mapguard::ReportConflict(C);
    };
    Report(&kSecondSite, &kFirstSite); // new
    Report(&kSecondSite, nullptr);     // second's race, seen from its end
    Report(nullptr, &kFirstSite);      // likewise for first
    Report(&kThirdSite, nullptr);      // third was never reported: new
    if (__mapguard::ReportCount() != 2)
      _exit(4);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 66) << R.err;
  EXPECT_EQ(CountOf(R.err, "ERROR: MapGuard: concurrent map writes\n"), 2u)
      << R.err;
  EXPECT_EQ(CountOf(R.err, "<unknown site>"), 1u) << R.err;
}

TEST(KeepGoingOptionsTest, ExitcodeSetsTheExitStatus) {
  ChildResult R = RunInChild([] {
    g_options.halt_on_error = false;
    g_options.exitcode = 3;
    HeldWrite First(Mode::Strict, FakeMap(40), &kFirstSite);
    WriteWhileHeld(Mode::Strict, FakeMap(40), &kSecondSite);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 3) << R.err;
  EXPECT_NE(R.err.find("SUMMARY: MapGuard: 1 concurrent map write report(s)"),
            std::string::npos)
      << R.err;
}

TEST(KeepGoingOptionsTest, WithoutReportsTheExitStatusIsTheProgramsOwn) {
  ChildResult R = RunInChild([] {
    g_options.halt_on_error = false;
    exit(7);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 7);
  EXPECT_EQ(R.err, "");
}

//===----------------------------------------------------------------------===//
// log_path, verbosity
//===----------------------------------------------------------------------===//

std::string LogPrefix(const char *Stem) {
  return ::testing::TempDir() + "mapguard-" + Stem + "-" +
         std::to_string(getpid());
}

void SetLogPath(const std::string &Path) {
  ASSERT_LT(Path.size(), sizeof(g_options.log_path));
  strcpy(g_options.log_path, Path.c_str());
}

TEST(LogPathTest, ReportGoesToPathDotPid) {
  std::string Prefix = LogPrefix("log");
  ChildResult R = RunInChild([&Prefix] {
    g_options.halt_on_error = true;
    SetLogPath(Prefix);
    HeldWrite First(Mode::Strict, FakeMap(50), &kFirstSite);
    WriteWhileHeld(Mode::Strict, FakeMap(50), &kSecondSite);
  });
  std::string Log = Prefix + "." + std::to_string(R.pid);
  std::string Text = ReadFile(Log);
  unlink(Log.c_str());
  ASSERT_TRUE(WIFSIGNALED(R.status)) << R.err;
  EXPECT_EQ(WTERMSIG(R.status), SIGABRT);
  EXPECT_EQ(Text.find("==" + std::to_string(R.pid) +
                      "==ERROR: MapGuard: concurrent map writes\n"),
            0u)
      << Text;
  EXPECT_NE(Text.find("\nSUMMARY: MapGuard: concurrent map writes "
                      "second.cpp:20 in writerB(int)\n"),
            std::string::npos)
      << Text;
  EXPECT_EQ(R.err.find("MapGuard"), std::string::npos) << R.err;
}

TEST(LogPathTest, ExitSummaryGoesThereToo) {
  std::string Prefix = LogPrefix("summary");
  ChildResult R = RunInChild([&Prefix] {
    g_options.halt_on_error = false;
    SetLogPath(Prefix);
    HeldWrite First(Mode::Strict, FakeMap(51), &kFirstSite);
    WriteWhileHeld(Mode::Strict, FakeMap(51), &kSecondSite);
  });
  std::string Log = Prefix + "." + std::to_string(R.pid);
  std::string Text = ReadFile(Log);
  unlink(Log.c_str());
  ASSERT_TRUE(WIFEXITED(R.status));
  EXPECT_EQ(WEXITSTATUS(R.status), 66);
  EXPECT_NE(Text.find("SUMMARY: MapGuard: 1 concurrent map write report(s)"),
            std::string::npos)
      << Text;
  EXPECT_EQ(R.err, "");
}

TEST(LogPathTest, StdoutAndStderr) {
  for (const char *Where : {"stdout", "stderr"}) {
    ChildResult R = RunInChild([Where] {
      g_options.halt_on_error = true;
      SetLogPath(Where);
      HeldWrite First(Mode::Strict, FakeMap(52), &kFirstSite);
      WriteWhileHeld(Mode::Strict, FakeMap(52), &kSecondSite);
    });
    const std::string &Used = strcmp(Where, "stdout") ? R.err : R.out;
    const std::string &Unused = strcmp(Where, "stdout") ? R.out : R.err;
    EXPECT_TRUE(WIFSIGNALED(R.status)) << Where;
    EXPECT_NE(Used.find("ERROR: MapGuard: concurrent map writes"),
              std::string::npos)
        << Where;
    EXPECT_EQ(Unused, "") << Where;
  }
}

TEST(VerbosityTest, ExitPrintsTheNumberOfUntrackedWrites) {
  ChildResult R = RunInChild([] {
    g_options.verbosity = 1;
    std::vector<uintptr_t> Maps = MapsSharingBucket(
        Mode::Strict, FakeMap(600), __mapguard::kSlotsPerBucket + 1);
    for (uintptr_t Map : Maps) // the last one is untracked
      __mapguard_write_begin((void *)Map, &kFirstSite);
    printf("%llu\n%llu\n",
           (unsigned long long)__mapguard::UntrackedWriteCount(),
           (unsigned long long)__mapguard::BiasRevocationCount());
  });
  ASSERT_TRUE(WIFEXITED(R.status));
  EXPECT_EQ(WEXITSTATUS(R.status), 0);
  ASSERT_NE(R.out.find('\n'), std::string::npos);
  // The child's counts (the second inherited from this process's tests).
  size_t Newline = R.out.find('\n');
  std::string Untracked = R.out.substr(0, Newline);
  std::string Revoked = R.out.substr(Newline + 1, R.out.size() - Newline - 2);
  ASSERT_NE(Untracked, "0");
  std::string Pid = "==" + std::to_string(R.pid) + "==";
  EXPECT_EQ(R.err, Pid + "MapGuard: " + Untracked +
                       " map write(s) went untracked (flag table bucket "
                       "full)\n" +
                       Pid + "MapGuard: " + Revoked +
                       " biased bucket(s) taken back by another thread's "
                       "write\n");
}

} // namespace
