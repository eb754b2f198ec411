//===-- options_test.cpp - MAPGUARD_OPTIONS -------------------------------===//
//
// The parser on given strings (each key, the defaults, unknown keys, every
// malformed form) and the real startup path: a child re-executed with
// MAPGUARD_OPTIONS in its environment.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

using namespace mapguard_test;
using __mapguard::Options;

namespace {

struct Parsed {
  bool ok;
  Options options;
  std::string diagnostics; // with "==<pid>==" replaced by "=="
};

Parsed Parse(const char *Text) {
  Parsed P;
  __mapguard::SetDefaultOptions(&P.options);
  std::string Raw = CaptureOutput(
      [&](int Fd) { P.ok = __mapguard::ParseOptions(Text, &P.options, Fd); });
  std::string Pid = "==" + std::to_string(getpid()) + "==";
  for (size_t At; (At = Raw.find(Pid)) != std::string::npos;)
    Raw.replace(At, Pid.size(), "==");
  P.diagnostics = Raw;
  return P;
}

void ExpectDefaults(const Options &O) {
  EXPECT_TRUE(O.halt_on_error);
  EXPECT_EQ(O.exitcode, 66);
  EXPECT_EQ(O.verbosity, 0);
  EXPECT_EQ(O.handoff_hold_us, 1000);
  EXPECT_FALSE(O.stress);
  EXPECT_STREQ(O.log_path, "stderr");
}

TEST(OptionsTest, Defaults) {
  Options O;
  memset(&O, 0x5a, sizeof(O));
  __mapguard::SetDefaultOptions(&O);
  ExpectDefaults(O);
}

TEST(OptionsTest, EmptyStringsKeepTheDefaults) {
  for (const char *Text : {"", ":", "::"}) {
    Parsed P = Parse(Text);
    EXPECT_TRUE(P.ok) << Text;
    EXPECT_EQ(P.diagnostics, "") << Text;
    ExpectDefaults(P.options);
  }
}

TEST(OptionsTest, HaltOnError) {
  EXPECT_FALSE(Parse("halt_on_error=0").options.halt_on_error);
  EXPECT_TRUE(Parse("halt_on_error=1").options.halt_on_error);
}

TEST(OptionsTest, Exitcode) {
  EXPECT_EQ(Parse("exitcode=0").options.exitcode, 0);
  EXPECT_EQ(Parse("exitcode=7").options.exitcode, 7);
  EXPECT_EQ(Parse("exitcode=255").options.exitcode, 255);
  EXPECT_EQ(Parse("exitcode=007").options.exitcode, 7);
}

TEST(OptionsTest, Verbosity) {
  EXPECT_EQ(Parse("verbosity=0").options.verbosity, 0);
  EXPECT_EQ(Parse("verbosity=2").options.verbosity, 2);
}

TEST(OptionsTest, LogPath) {
  EXPECT_STREQ(Parse("log_path=/tmp/mg").options.log_path, "/tmp/mg");
  EXPECT_STREQ(Parse("log_path=stdout").options.log_path, "stdout");
  EXPECT_STREQ(Parse("log_path=stderr").options.log_path, "stderr");
  std::string Longest =
      "log_path=/" + std::string(__mapguard::kMaxLogPath - 1, 'p');
  Parsed P = Parse(Longest.c_str());
  EXPECT_TRUE(P.ok);
  EXPECT_EQ(strlen(P.options.log_path), __mapguard::kMaxLogPath);
}

TEST(OptionsTest, ReportFormat) {
  using __mapguard::ReportFormat;
  EXPECT_EQ(Parse("").options.report_format, ReportFormat::Text);
  EXPECT_EQ(Parse("report_format=json").options.report_format,
            ReportFormat::Json);
  EXPECT_EQ(Parse("report_format=github").options.report_format,
            ReportFormat::Github);
  EXPECT_EQ(
      Parse("report_format=json:report_format=text").options.report_format,
      ReportFormat::Text);
}

TEST(OptionsTest, BadReportFormat) {
  for (const char *Bad : {"report_format=xml", "report_format=",
                          "report_format=JSON", "report_format=jsonx"}) {
    Parsed P = Parse(Bad);
    EXPECT_FALSE(P.ok) << Bad;
    EXPECT_NE(P.diagnostics.find("invalid value"), std::string::npos)
        << P.diagnostics;
    EXPECT_NE(
        P.diagnostics.find("for report_format (expected text, json or github)"),
        std::string::npos)
        << P.diagnostics;
  }
}

TEST(OptionsTest, ProfilePath) {
  EXPECT_STREQ(Parse("").options.profile_path, "");
  Parsed P = Parse("profile_path=/tmp/p:profile_signal=1");
  EXPECT_STREQ(P.options.profile_path, "/tmp/p");
  EXPECT_TRUE(P.options.profile_signal);
  EXPECT_FALSE(Parse("profile_signal=2").ok);
}

TEST(OptionsTest, SeveralEntriesTheLastOneWins) {
  Parsed P = Parse("halt_on_error=0:exitcode=3:verbosity=1:log_path=/x:"
                   "exitcode=4:");
  EXPECT_TRUE(P.ok);
  EXPECT_EQ(P.diagnostics, "");
  EXPECT_FALSE(P.options.halt_on_error);
  EXPECT_EQ(P.options.exitcode, 4);
  EXPECT_EQ(P.options.verbosity, 1);
  EXPECT_STREQ(P.options.log_path, "/x");
}

TEST(OptionsTest, UnknownKeyWarnsOnceAndParsingGoesOn) {
  Parsed P = Parse("exitcode=5:detect_leaks=1:verbosity=2");
  EXPECT_TRUE(P.ok);
  EXPECT_EQ(P.diagnostics, "==WARNING: MapGuard: unknown option "
                           "'detect_leaks' in MAPGUARD_OPTIONS (ignored)\n");
  EXPECT_EQ(P.options.exitcode, 5);
  EXPECT_EQ(P.options.verbosity, 2);
}

// A malformed entry: Parse fails with exactly this one error line.
void ExpectError(const char *Text, const std::string &Message) {
  Parsed P = Parse(Text);
  EXPECT_FALSE(P.ok) << Text;
  EXPECT_EQ(P.diagnostics,
            "==ERROR: MapGuard: MAPGUARD_OPTIONS: " + Message + "\n")
      << Text;
}

TEST(OptionsTest, EntryWithoutEquals) {
  ExpectError("halt_on_error",
              "invalid entry 'halt_on_error' (expected key=value)");
  ExpectError("verbosity=1:bogus:exitcode=1",
              "invalid entry 'bogus' (expected key=value)");
}

TEST(OptionsTest, EntryWithEmptyKey) {
  ExpectError("=1",
              "invalid entry '=1' (expected key=value with a non-empty key)");
}

TEST(OptionsTest, BadBool) {
  for (const char *V : {"", "2", "yes", "true", "00", "-1"})
    ExpectError(("halt_on_error=" + std::string(V)).c_str(),
                "invalid value '" + std::string(V) +
                    "' for halt_on_error (expected 0 or 1)");
}

TEST(OptionsTest, BadExitcode) {
  for (const char *V :
       {"", "abc", "12x", "-1", "+1", "256", "99999999999999999999999"})
    ExpectError(("exitcode=" + std::string(V)).c_str(),
                "invalid value '" + std::string(V) +
                    "' for exitcode (expected an integer 0..255)");
}

TEST(OptionsTest, BadVerbosity) {
  for (const char *V : {"", "x", "-1", "1.5", "3000000000"})
    ExpectError(("verbosity=" + std::string(V)).c_str(),
                "invalid value '" + std::string(V) +
                    "' for verbosity (expected an integer >= 0)");
}

TEST(OptionsTest, BadLogPath) {
  ExpectError("log_path=",
              "invalid value '' for log_path (expected a path prefix, "
              "stderr or stdout)");
  std::string TooLong(__mapguard::kMaxLogPath + 1, 'p');
  ExpectError(("log_path=" + TooLong).c_str(),
              "invalid value '" + TooLong +
                  "' for log_path (expected a path prefix, stderr or stdout)");
}

TEST(OptionsTest, HandoffHold) {
  EXPECT_EQ(Parse("handoff_hold_us=0").options.handoff_hold_us, 0);
  EXPECT_EQ(Parse("handoff_hold_us=1000").options.handoff_hold_us, 1000);
  EXPECT_EQ(Parse("handoff_hold_us=1000000").options.handoff_hold_us, 1000000);
}

TEST(OptionsTest, Stress) {
  EXPECT_TRUE(Parse("stress=1").options.stress);
  EXPECT_FALSE(Parse("stress=0").options.stress);
  ExpectError("stress=2", "invalid value '2' for stress (expected 0 or 1)");
}

TEST(OptionsTest, BadHandoffHold) {
  for (const char *V : {"", "x", "-1", "1000001", "2.5"})
    ExpectError(("handoff_hold_us=" + std::string(V)).c_str(),
                "invalid value '" + std::string(V) +
                    "' for handoff_hold_us (expected an integer 0..1000000)");
}

TEST(OptionsTest, PrintOptions) {
  Options O;
  __mapguard::SetDefaultOptions(&O);
  O.verbosity = 1;
  FILE *F = tmpfile();
  ASSERT_NE(F, nullptr);
  __mapguard::PrintOptions(O, fileno(F));
  rewind(F);
  char Buf[512] = {};
  fread(Buf, 1, sizeof(Buf) - 1, F);
  fclose(F);
  EXPECT_EQ(
      std::string(Buf),
      "==" + std::to_string(getpid()) +
          "==MapGuard: options halt_on_error=1 exitcode=66 "
          "log_path=stderr report_format=text verbosity=1 "
          "handoff_hold_us=1000 busy_hold_us=20000 learn_path= "
          "profile_path= profile_signal=0 strip_path_prefix= "
          "stack_depth=16 external_symbolizer_path= bias=1 stress=0 help=0\n");
}

// What an option's default looks like in the help.
std::string Shown(bool V) { return V ? "1" : "0"; }
std::string Shown(int V) { return std::to_string(V); }
std::string Shown(const char *V) { return V; }
std::string Shown(__mapguard::ReportFormat V) {
  return __mapguard::kReportFormatNames[int(V)];
}

TEST(OptionsTest, HelpListsEveryOptionWithItsDefaultAndHelp) {
  std::string Help =
      CaptureOutput([](int Fd) { __mapguard::PrintOptionHelp(Fd); });
  EXPECT_EQ(Help.rfind("==" + std::to_string(getpid()) +
                           "==MapGuard: MAPGUARD_OPTIONS=key=value:",
                       0),
            0u)
      << Help;
  size_t Options = 0;
#define MAPGUARD_OPTION(Type, Name, Default, Min, Max, HelpText)               \
  ++Options;                                                                   \
  EXPECT_NE(Help.find("\n  " #Name "=" + Shown(Default) + " ("),               \
            std::string::npos)                                                 \
      << #Name << " is not listed with its default:\n"                         \
      << Help;                                                                 \
  EXPECT_NE(Help.find(")\n      " HelpText "\n"), std::string::npos)           \
      << #Name << "'s help is missing:\n"                                      \
      << Help;
  using __mapguard::kMaxLogPath;
  using __mapguard::ReportFormat;
#include "options.inc"
#undef MAPGUARD_OPTION
  EXPECT_EQ(CountOf(Help, "\n      "), Options) << "one help line each\n"
                                                << Help;
}

TEST(OptionsDeathTest, MalformedOptionsStopTheProgram) {
  EXPECT_EXIT(__mapguard::InitOptionsOrDie("exitcode=abc"),
              ::testing::ExitedWithCode(1),
              "^==[0-9]+==ERROR: MapGuard: MAPGUARD_OPTIONS: invalid value "
              "'abc' for exitcode \\(expected an integer 0\\.\\.255\\)\n$");
}

//===----------------------------------------------------------------------===//
// At startup: the death test child is this binary re-executed, and its
// constructor reads MAPGUARD_OPTIONS from the environment it inherits.
//===----------------------------------------------------------------------===//

class StartupDeathTest : public ::testing::Test {
protected:
  void TearDown() override { unsetenv("MAPGUARD_OPTIONS"); }
};

TEST_F(StartupDeathTest, MalformedOptionsExitBeforeMain) {
  setenv("MAPGUARD_OPTIONS", "verbosity=1:halt_on_error=maybe", 1);
  EXPECT_EXIT(exit(0), ::testing::ExitedWithCode(1),
              "^==[0-9]+==ERROR: MapGuard: MAPGUARD_OPTIONS: invalid value "
              "'maybe' for halt_on_error \\(expected 0 or 1\\)\n$");
}

TEST_F(StartupDeathTest, UnknownOptionIsAWarning) {
  setenv("MAPGUARD_OPTIONS", "bogus=1", 1);
  EXPECT_EXIT(exit(0), ::testing::ExitedWithCode(0),
              "^==[0-9]+==WARNING: MapGuard: unknown option 'bogus' in "
              "MAPGUARD_OPTIONS \\(ignored\\)\n$");
}

TEST_F(StartupDeathTest, HelpListsTheOptionsAndTheProgramGoesOn) {
  setenv("MAPGUARD_OPTIONS", "help=1", 1);
  EXPECT_EXIT(
      {
        fprintf(stderr, "main goes on\n");
        exit(0);
      },
      ::testing::ExitedWithCode(0),
      "^==[0-9]+==MapGuard: MAPGUARD_OPTIONS=key=value:key=value:\\.\\.\\., "
      "with these keys \\(and their defaults\\):\n"
      "  halt_on_error=1 \\(0 or 1\\)\n.*"
      "  help=0 \\(0 or 1\\)\n.*\n"
      "main goes on\n$");
}

TEST_F(StartupDeathTest, VerbosityPrintsTheOptionsAtStartupAndExit) {
  setenv("MAPGUARD_OPTIONS", "exitcode=9:halt_on_error=0:verbosity=1", 1);
  EXPECT_EXIT(
      {
        if (__mapguard::g_options.exitcode != 9 ||
            __mapguard::g_options.halt_on_error)
          _exit(2);
        exit(0);
      },
      ::testing::ExitedWithCode(0),
      "^==[0-9]+==MapGuard: options halt_on_error=0 exitcode=9 "
      "log_path=stderr report_format=text verbosity=1 handoff_hold_us=1000 "
      "busy_hold_us=20000 learn_path= profile_path= profile_signal=0 "
      "strip_path_prefix= stack_depth=16 external_symbolizer_path= "
      "bias=1 stress=0 help=0\n"
      "==[0-9]+==MapGuard: [0-9]+ map write\\(s\\) went untracked \\(flag "
      "table bucket full\\)\n"
      "==[0-9]+==MapGuard: [0-9]+ biased bucket\\(s\\) taken back by another "
      "thread's write\n$");
}

} // namespace
