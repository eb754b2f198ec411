//===-- report_formats_test.cpp - report_format=json|github, the profile --===//
//
// The JSON line of a report, exactly (but its time), with every kind of
// string JSON must escape; the GitHub Actions annotations; and the sharing
// profile that profile_path writes, fed directly and through the hooks.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <regex>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::Conflict;
using __mapguard::ConflictKind;
using __mapguard::g_options;

namespace {
// Options changed by a test, restored after it.
class FormatTest : public ::testing::Test {
protected:
  void SetUp() override {
    Saved = g_options;
    g_options.stack_depth = 0; // no stale stacks of an earlier report
  }
  void TearDown() override { g_options = Saved; }
  __mapguard::Options Saved;
};

std::string Json(const Conflict &C) {
  return CaptureOutput([&](int Fd) { __mapguard::PrintJsonReport(C, Fd); });
}

// Replaces the "time" value, after checking its shape, with "T".
std::string WithoutTime(std::string Line) {
  static const std::regex Time(
      "\"time\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\."
      "[0-9]{6}Z\"");
  std::smatch M;
  EXPECT_TRUE(std::regex_search(Line, M, Time)) << Line;
  if (!M.empty())
    Line.replace(M.position(0), M.length(0), "\"time\":\"T\"");
  return Line;
}

std::string Name() {
  char Name[17] = {};
  prctl(PR_GET_NAME, Name, 0, 0, 0);
  return Name;
}

TEST_F(FormatTest, JsonReportExactly) {
  Conflict C = {0x7f0000100008,
                "std::map<int, int>",
                {&kSecondSite, Gettid(), true},
                {&kFirstSite, 0, false}};
  C.fast = true;
  EXPECT_EQ(
      WithoutTime(Json(C)),
      "{\"kind\":\"concurrent-map-writes\",\"message\":\"concurrent map "
      "writes\",\"map\":\"0x7f0000100008\",\"container\":\"std::map<int, "
      "int>\",\"mode\":\"fast\",\"pid\":" +
          std::to_string(getpid()) +
          ",\"time\":\"T\",\"accesses\":[{\"access\":\"write\",\"state\":\"in "
          "progress\",\"thread\":{\"id\":" +
          std::to_string(Gettid()) + ",\"name\":\"" + Name() +
          "\"},\"function\":\"writerB(int)\",\"file\":\"second.cpp\","
          "\"line\":20,\"column\":7,\"operation\":\"operator[]\",\"stack\":[]}"
          ",{\"access\":\"write\",\"state\":\"in progress\",\"thread\":{"
          "\"id\":null,\"name\":\"?\"},\"function\":\"writerA()\",\"file\":"
          "\"first.cpp\",\"line\":10,\"column\":5,\"operation\":\"insert\","
          "\"stack\":[]}]}\n");
}

TEST_F(FormatTest, JsonKindsAndEndedWrites) {
  Conflict C = {0x10, "M", {&kSecondSite, 42, false}, {&kFirstSite, 43, false}};
  C.kind = ConflictKind::IterationWrite;
  C.first.ended = true;
  std::string Line = Json(C);
  EXPECT_NE(Line.find("{\"kind\":\"concurrent-map-iteration-and-map-write\","
                      "\"message\":\"concurrent map iteration and map write\""),
            std::string::npos)
      << Line;
  EXPECT_NE(Line.find("\"mode\":\"strict\""), std::string::npos) << Line;
  EXPECT_NE(Line.find("[{\"access\":\"iteration\",\"state\":\"in progress\""),
            std::string::npos)
      << Line;
  EXPECT_NE(Line.find(",{\"access\":\"write\",\"state\":\"ended\""),
            std::string::npos)
      << Line;
  C.kind = ConflictKind::ReadWrite;
  EXPECT_NE(Json(C).find("\"kind\":\"concurrent-map-read-and-map-write\""),
            std::string::npos);
}

TEST_F(FormatTest, JsonEscapesEveryString) {
  // Quote, backslash, newline, tab, a control character, DEL, UTF-8 (2 and
  // 4 bytes), a lone continuation byte, a truncated sequence, an overlong
  // encoding and a surrogate.
  __mapguard::Site S = {"d\xc3\xa9j\xc3\xa0/a.cpp",
                        "f(\"x\\y\")\n\t\x01\x7f",
                        "M",
                        "op\xf0\x9f\x98\x80\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80",
                        3,
                        4};
  Conflict C = {0x10, "M<\"q\">", {&S, 42, false}, {&kFirstSite, 43, false}};
  std::string Line = Json(C);
  EXPECT_NE(Line.find("\"container\":\"M<\\\"q\\\">\""), std::string::npos)
      << Line;
  EXPECT_NE(Line.find("\"function\":\"f(\\\"x\\\\y\\\")\\n\\t\\u0001\\u007f\""),
            std::string::npos)
      << Line;
  EXPECT_NE(Line.find("\"file\":\"d\xc3\xa9j\xc3\xa0/a.cpp\""),
            std::string::npos)
      << Line;
  EXPECT_NE(Line.find("\"operation\":\"op\xf0\x9f\x98\x80\\ufffd|\\ufffd\\ufffd"
                      "|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\""),
            std::string::npos)
      << Line;
  EXPECT_EQ(Line.find('\n'), Line.size() - 1) << "one line";
}

TEST_F(FormatTest, JsonUnknownsAreNull) {
  __mapguard::Site S = {"", nullptr, nullptr, "", 0, 0};
  Conflict C = {0x10, nullptr, {&S, 0, false}, {nullptr, 43, false}};
  std::string Line = Json(C);
  EXPECT_NE(Line.find("\"container\":null"), std::string::npos) << Line;
  EXPECT_NE(Line.find("\"thread\":{\"id\":null,\"name\":\"?\"},\"function\":"
                      "null,\"file\":null,\"line\":null,\"column\":null,"
                      "\"operation\":null"),
            std::string::npos)
      << Line;
  EXPECT_EQ(CountOf(Line, "\"function\":null,\"file\":null,\"line\":null"), 2u)
      << Line;
}

TEST_F(FormatTest, JsonPathsAreNotRelativeToTheCurrentDirectory) {
  char Cwd[4096];
  ASSERT_NE(getcwd(Cwd, sizeof(Cwd)), nullptr);
  std::string File = std::string(Cwd) + "/sub/./x/../a.cpp";
  __mapguard::Site S = {File.c_str(), "f()", "M", "insert", 1, 1};
  Conflict C = {0x10, "M", {&S, 42, false}, {&kFirstSite, 43, false}};
  EXPECT_NE(Json(C).find("\"file\":\"" + std::string(Cwd) + "/sub/a.cpp\""),
            std::string::npos);
  strcpy(g_options.strip_path_prefix, Cwd);
  EXPECT_NE(Json(C).find("\"file\":\"/sub/a.cpp\""), std::string::npos);
}

TEST_F(FormatTest, JsonTimeIsNow) {
  Conflict C = {0x10, "M", {&kSecondSite, 42, false}, {&kFirstSite, 43, false}};
  time_t Before = time(nullptr);
  std::string Line = Json(C);
  time_t After = time(nullptr);
  size_t At = Line.find("\"time\":\"");
  ASSERT_NE(At, std::string::npos);
  struct tm T = {};
  ASSERT_NE(strptime(Line.c_str() + At + 8, "%Y-%m-%dT%H:%M:%S", &T), nullptr);
  time_t Got = timegm(&T);
  EXPECT_GE(Got, Before);
  EXPECT_LE(Got, After);
}

TEST_F(FormatTest, JsonSummary) {
  std::string Line =
      CaptureOutput([](int Fd) { __mapguard::PrintJsonSummary(3, Fd); });
  EXPECT_EQ(WithoutTime(Line), "{\"kind\":\"summary\",\"reports\":3,\"pid\":" +
                                   std::to_string(getpid()) +
                                   ",\"time\":\"T\"}\n");
}

std::string InFormat(const Conflict &C) {
  return CaptureOutput([&](int Fd) { __mapguard::PrintReportInFormat(C, Fd); });
}

TEST_F(FormatTest, TextIsTheDefault) {
  Conflict C = {0x10, "M", {&kSecondSite, 42, false}, {&kFirstSite, 43, false}};
  std::string Text =
      CaptureOutput([&](int Fd) { __mapguard::PrintConflictReport(C, Fd); });
  EXPECT_EQ(InFormat(C), Text);
  g_options.report_format = __mapguard::ReportFormat::Json;
  EXPECT_EQ(InFormat(C).rfind("{\"kind\":", 0), 0u);
}

TEST_F(FormatTest, GithubAnnotatesBothSites) {
  g_options.report_format = __mapguard::ReportFormat::Github;
  unsetenv("GITHUB_WORKSPACE");
  __mapguard::Site S = {"/w/s, d:1/100%.cpp", "g()", "M", "erase", 7, 0};
  Conflict C = {0x10, "M", {&S, 42, false}, {&kFirstSite, 43, false}};
  std::string Out = InFormat(C);
  std::string Text =
      CaptureOutput([&](int Fd) { __mapguard::PrintConflictReport(C, Fd); });
  ASSERT_EQ(Out.rfind(Text, 0), 0u) << "the text report first:\n" << Out;
  std::string Message =
      "write by thread 42 \"?\" in g() at /w/s, d:1/100%25.cpp:7 [erase]%0A"
      "while thread 43 \"?\" was writing it in writerA() at first.cpp:10:5 "
      "[insert]%0Amap 0x10 (M)";
  EXPECT_EQ(Out.substr(Text.size()),
            "::error file=/w/s%2C d%3A1/100%25.cpp,line=7,title=MapGuard%3A "
            "concurrent map writes::" +
                Message +
                "\n::error file=first.cpp,line=10,col=5,title=MapGuard%3A "
                "concurrent map writes::" +
                Message + "\n");
}

TEST_F(FormatTest, GithubPathsRelativeToTheWorkspace) {
  g_options.report_format = __mapguard::ReportFormat::Github;
  __mapguard::Site S = {"/ws/src/a.cpp", "g()", "M", "erase", 7, 2};
  __mapguard::Site NoLine = {"/ws/src/b.cpp", "h()", "M", "erase", 0, 0};
  Conflict C = {0x10, "M", {&S, 42, false}, {&NoLine, 43, false}};
  setenv("GITHUB_WORKSPACE", "/ws/", 1);
  std::string Out = InFormat(C);
  unsetenv("GITHUB_WORKSPACE");
  EXPECT_NE(Out.find("\n::error file=src/a.cpp,line=7,col=2,"),
            std::string::npos)
      << Out;
  EXPECT_EQ(CountOf(Out, "::error "), 1u) << "no line, no annotation:\n" << Out;
}

//===----------------------------------------------------------------------===//
// The profile
//===----------------------------------------------------------------------===//

std::string TempPath() {
  char Path[] = "/tmp/mg-profile-XXXXXX";
  int Fd = mkstemp(Path);
  EXPECT_GE(Fd, 0);
  close(Fd);
  unlink(Path);
  return Path;
}

// The profile's lines that mention Needle.
std::vector<std::string> LinesWith(const std::string &Text,
                                   const std::string &Needle) {
  std::vector<std::string> Lines;
  for (size_t At = 0; At < Text.size();) {
    size_t End = Text.find('\n', At);
    std::string Line = Text.substr(At, End - At);
    if (Line.find(Needle) != std::string::npos)
      Lines.push_back(Line);
    At = End == std::string::npos ? Text.size() : End + 1;
  }
  return Lines;
}

// A thread that registers, names itself and waits until told to go.
struct OtherThread {
  std::atomic<uint16_t> Index{0};
  std::atomic<bool> Done{false};
  std::thread T;
  explicit OtherThread(const char *Name) {
    T = std::thread([this, Name] {
      NameThisThread(Name);
      Index.store(__mapguard::CurrentThreadIndex());
      while (!Done.load())
        sched_yield();
    });
    while (!Index.load())
      sched_yield();
  }
  ~OtherThread() {
    Done.store(true);
    T.join();
  }
};

std::string SaveProfile(const std::string &Path) {
  __mapguard::SaveProfile();
  std::string Text = ReadFile(Path + "." + std::to_string(getpid()));
  unlink((Path + "." + std::to_string(getpid())).c_str());
  return Text;
}

TEST_F(FormatTest, ProfileCountsHandoffsBetweenThreads) {
  std::string Path = TempPath();
  strcpy(g_options.profile_path, Path.c_str());
  __mapguard::StartProfile();
  static const __mapguard::Site Taker = {"p.cpp",  "taker()", "M",
                                         "insert", 11,        2};
  static const __mapguard::Site Giver = {"p.cpp", "giver()", "M",
                                         "erase", 22,        3};
  static const __mapguard::Site Own = {"p.cpp", "own()", "M", "insert", 33, 4};
  OtherThread Other("mg-giver");
  uintptr_t Map = FakeMap(901), OtherMap = FakeMap(902);
  uint64_t Tomb = __mapguard::MakeKey(Map, Other.Index) | __mapguard::kTombBit;
  __mapguard::ProfileHandoff(Map, Tomb, &Taker, &Giver, true);
  __mapguard::ProfileHandoff(Map, Tomb, &Taker, __mapguard::EndedSite(&Giver),
                             false);
  // Not handoffs: another map's tombstone, the thread's own, nothing.
  uint16_t Mine = __mapguard::CurrentThreadIndex();
  __mapguard::ProfileHandoff(
      OtherMap, __mapguard::MakeKey(Map, Other.Index) | __mapguard::kTombBit,
      &Own, &Giver, true);
  __mapguard::ProfileHandoff(
      Map, __mapguard::MakeKey(Map, Mine) | __mapguard::kTombBit, &Own, &Giver,
      true);
  __mapguard::ProfileHandoff(Map, 0, &Own, nullptr, true);
  std::string Text = SaveProfile(Path);
  EXPECT_EQ(Text.rfind("{\"type\":\"profile\",\"pid\":" +
                           std::to_string(getpid()) + ",\"time\":\"",
                       0),
            0u)
      << Text;
  std::vector<std::string> Taken = LinesWith(Text, "\"function\":\"taker()\"");
  ASSERT_EQ(Taken.size(), 2u) << Text; // its site, and the map's sites
  EXPECT_EQ(Taken[0],
            "{\"type\":\"site\",\"file\":\"p.cpp\",\"line\":11,\"column\":2,"
            "\"function\":\"taker()\",\"operation\":\"insert\",\"container\":"
            "\"M\",\"takeovers\":2,\"taken_from\":0,\"holds\":1,\"threads\":[{"
            "\"id\":" +
                std::to_string(Gettid()) + ",\"name\":\"" + Name() +
                "\"}],\"more_threads\":false}");
  std::vector<std::string> Given = LinesWith(Text, "\"type\":\"site\",\"file\":"
                                                   "\"p.cpp\",\"line\":22");
  ASSERT_EQ(Given.size(), 1u) << Text;
  EXPECT_NE(Given[0].find("\"takeovers\":0,\"taken_from\":2,\"holds\":0,"
                          "\"threads\":[{\"id\":"),
            std::string::npos)
      << Given[0];
  EXPECT_NE(Given[0].find(",\"name\":\"mg-giver\"}],\"more_threads\":false}"),
            std::string::npos)
      << Given[0];
  EXPECT_TRUE(LinesWith(Text, "own()").empty()) << Text;
  std::vector<std::string> Maps = LinesWith(Text, "\"type\":\"map\"");
  ASSERT_EQ(Maps.size(), 1u) << Text;
  EXPECT_NE(Maps[0].find("{\"type\":\"map\",\"map\":\"0x7f0000101c28\","
                         "\"container\":\"M\",\"handoffs\":2,\"threads\":[{"),
            std::string::npos)
      << Maps[0];
  EXPECT_EQ(CountOf(Maps[0], "\"id\":"), 2u) << Maps[0];
  EXPECT_NE(Maps[0].find("\"sites\":[{\"file\":\"p.cpp\",\"line\":11,"),
            std::string::npos)
      << Maps[0];
  EXPECT_NE(Maps[0].find("},{\"file\":\"p.cpp\",\"line\":22,"),
            std::string::npos)
      << Maps[0];
}

TEST_F(FormatTest, ProfileThroughTheHooks) {
  // Both modes: a write on another thread, then one here, of one map.
  static const __mapguard::Site Here[2] = {
      {"h-strict.cpp", "here()", "M", "insert", 5, 1},
      {"h-fast.cpp", "here()", "M", "insert", 5, 1}};
  static const __mapguard::Site There[2] = {
      {"h-strict.cpp", "there()", "M", "insert", 6, 1},
      {"h-fast.cpp", "there()", "M", "insert", 6, 1}};
  for (Mode M : {Mode::Strict, Mode::Fast}) {
    int I = M == Mode::Strict ? 0 : 1;
    std::string Path = TempPath();
    strcpy(g_options.profile_path, Path.c_str());
    __mapguard::StartProfile();
    g_options.handoff_hold_us = 0;
    __mapguard::ResetHolds();
    uintptr_t Map = FakeMap(911 + I);
    std::thread([&] {
      NameThisThread("mg-there");
      End(M, Map, &There[I], Begin(M, Map, &There[I]));
    }).join();
    End(M, Map, &Here[I], Begin(M, Map, &Here[I]));
    std::string Text = SaveProfile(Path);
    std::vector<std::string> Lines = LinesWith(
        Text, std::string("\"file\":\"") + Here[I].file + "\",\"line\":5,");
    ASSERT_EQ(Lines.size(), 2u) << ModeName(M) << "\n" << Text;
    EXPECT_NE(Lines[0].find("\"takeovers\":1,\"taken_from\":0,"),
              std::string::npos)
        << Lines[0];
    size_t Theirs = 0; // the site's line and the map's
    for (const std::string &Line : LinesWith(Text, Here[I].file))
      Theirs += Line.find("\"name\":\"mg-there\"") != std::string::npos;
    EXPECT_EQ(Theirs, 2u) << ModeName(M) << "\n" << Text;
  }
}

TEST_F(FormatTest, ProfileStartsEmptyInAForkedChild) {
  std::string Path = TempPath();
  strcpy(g_options.profile_path, Path.c_str());
  __mapguard::StartProfile();
  static const __mapguard::Site Parents = {"fork.cpp", "parent()", "M",
                                           "insert",   1,          1};
  OtherThread Other("mg-forker");
  uintptr_t Map = FakeMap(921);
  __mapguard::ProfileHandoff(
      Map, __mapguard::MakeKey(Map, Other.Index) | __mapguard::kTombBit,
      &Parents, nullptr, false);
  ChildResult Child = RunInChild([] { __mapguard::SaveProfile(); });
  std::string ChildFile = Path + "." + std::to_string(Child.pid);
  std::string Text = ReadFile(ChildFile);
  unlink(ChildFile.c_str());
  EXPECT_EQ(Text.rfind("{\"type\":\"profile\"", 0), 0u) << Text;
  EXPECT_EQ(Text.find("fork.cpp"), std::string::npos) << Text;
  EXPECT_NE(SaveProfile(Path).find("\"function\":\"parent()\""),
            std::string::npos)
      << "the parent keeps its own";
}

TEST_F(FormatTest, ProfileOnSignal) {
  std::string Path = TempPath();
  strcpy(g_options.profile_path, Path.c_str());
  __mapguard::StartProfile();
  std::string File = Path + "." + std::to_string(getpid());
  struct sigaction Before;
  sigaction(SIGUSR2, nullptr, &Before);
  g_options.profile_signal = false;
  __mapguard::StartProfile(); // not asked for: no handler
  struct sigaction Now;
  sigaction(SIGUSR2, nullptr, &Now);
  EXPECT_EQ(Now.sa_handler, Before.sa_handler);
  g_options.profile_signal = true;
  __mapguard::StartProfile();
  raise(SIGUSR2);
  std::string Text = ReadFile(File);
  unlink(File.c_str());
  sigaction(SIGUSR2, &Before, nullptr);
  EXPECT_EQ(Text.rfind(
                "{\"type\":\"profile\",\"pid\":" + std::to_string(getpid()), 0),
            0u)
      << Text;
}

} // namespace
