//===-- read_check_test.cpp - Reads and iteration meet writers ------------===//
//
// __mapguard_read / __mapguard_iterate (and their fast twins) report a map
// that another thread is writing, with Go's two other messages, and mark
// nothing: readers never meet readers.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mapguard_test;
using __mapguard::g_options;

namespace {

const Site kReadSite = {"reader.cpp", "lookup(int)", "std::map<int, int>",
                        "find", 40, 11};
const Site kIterSite = {"reader.cpp", "dump()", "std::map<int, int>",
                        "begin", 50, 3};

void Read(Mode M, uintptr_t Map, const Site *S) {
  if (M == Mode::Strict)
    __mapguard_read((void *)Map, S);
  else
    __mapguard_read_fast((void *)Map, S);
}

void Iterate(Mode M, uintptr_t Map, const Site *S) {
  if (M == Mode::Strict)
    __mapguard_iterate((void *)Map, S);
  else
    __mapguard_iterate_fast((void *)Map, S);
}

// The report of a read (What = "read") or an iteration that met First.
std::string ReadReportPattern(const char *Message, const char *What,
                              uintptr_t Map, const Site &Reader,
                              const char *ReaderName, const Site &Writer,
                              const char *WriterName) {
  std::string Pattern = ReportPattern(Map, Reader.container, Reader,
                                      ReaderName, Writer, WriterName);
  auto Replace = [&](const std::string &From, const std::string &To) {
    for (size_t At = 0; (At = Pattern.find(From, At)) != std::string::npos;
         At += To.size())
      Pattern.replace(At, From.size(), To);
  };
  Replace("concurrent map writes", Message);
  Replace("  write by thread", std::string("  ") + What + " by thread");
  return Pattern;
}

class ReadCheckTest : public NoReportTest,
                      public ::testing::WithParamInterface<Mode> {};
class ReadCheckDeathTest : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, ReadCheckTest,
                         ::testing::Values(Mode::Strict, Mode::Fast),
                         [](const auto &Info) {
                           return std::string(ModeName(Info.param));
                         });
INSTANTIATE_TEST_SUITE_P(Modes, ReadCheckDeathTest,
                         ::testing::Values(Mode::Strict, Mode::Fast),
                         [](const auto &Info) {
                           return std::string(ModeName(Info.param));
                         });

TEST_P(ReadCheckDeathTest, ReadWhileAnotherThreadWritesIsReported) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(700);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        HeldWrite Writer(M, Map, &kFirstSite, "mg-writer");
        Read(M, Map, &kReadSite);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map read and map write", "read", Map,
                        kReadSite, "mg-reader", kFirstSite, "mg-writer"));
}

TEST_P(ReadCheckDeathTest, FirstReadFindsAWriterThatEndsDuringItsHold) {
  // A thread's first read looks before it holds: a writer that is at it
  // already and ends while the reader holds (2 s here) is still found.
  // (Were the reader to hold first, the writer ending after 300 ms would
  // leave it nothing to find, and the child would exit 0.)
  Mode M = GetParam();
  uintptr_t Map = FakeMap(702);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        g_options.handoff_hold_us = 0; // the writer's first write: no hold
        HeldWrite Writer(M, Map, &kFirstSite, "mg-writer");
        g_options.handoff_hold_us = 2000000;
        std::thread Reader([M, Map] {
          NameThisThread("mg-reader");
          Read(M, Map, &kReadSite); // the thread's first read
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        Writer.end();
        Reader.join();
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map read and map write", "read", Map,
                        kReadSite, "mg-reader", kFirstSite, "mg-writer"));
}

TEST(StrictReadCheckDeathTest, ReadFindsAWriterAwayFromHome) {
  // The map's home slot holds another map's write, so its writer is in
  // another slot of the bucket (the inline check sees the bucket's count).
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(720), 2);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        HeldWrite Other(Mode::Strict, Maps[0], &kThirdSite, "mg-other");
        HeldWrite Writer(Mode::Strict, Maps[1], &kFirstSite, "mg-writer");
        if (Writer.token() & 1) // away from home
          Read(Mode::Strict, Maps[1], &kReadSite);
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map read and map write", "read", Maps[1],
                        kReadSite, "mg-reader", kFirstSite, "mg-writer"));
}

TEST_P(ReadCheckDeathTest, IterationWhileAnotherThreadWritesIsReported) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(701);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        HeldWrite Writer(M, Map, &kSecondSite, "mg-writer");
        Iterate(M, Map, &kIterSite);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map iteration and map write", "iteration",
                        Map, kIterSite, "mg-reader", kSecondSite,
                        "mg-writer"));
}

TEST_P(ReadCheckTest, ReadsWithoutAWriterOrOnTheWritersThreadAreSilent) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(702);
  Read(M, Map, &kReadSite); // nobody writes it
  uintptr_t Token = Begin(M, Map, &kFirstSite);
  Read(M, Map, &kReadSite); // this thread's own write (a hash that reads)
  Iterate(M, Map, &kIterSite);
  End(M, Map, &kFirstSite, Token);
  {
    HeldWrite Writer(M, Map, &kFirstSite);
    Writer.end();
  }
  Read(M, Map, &kReadSite); // the write has ended
}

TEST_P(ReadCheckTest, ReadingAnotherMapInTheSameSlotIsSilent) {
  Mode M = GetParam();
  std::vector<uintptr_t> Maps = MapsSharingBucket(M, FakeMap(703), 2);
  HeldWrite Writer(M, Maps[0], &kFirstSite);
  Read(M, Maps[1], &kReadSite);
  Iterate(M, Maps[1], &kIterSite);
}

TEST_P(ReadCheckTest, ReadersMarkNothingAndNeverMeetEachOther) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(704);
  std::vector<std::thread> Readers;
  for (int T = 0; T < 8; ++T)
    Readers.emplace_back([M, Map] {
      for (int I = 0; I < 20000; ++I) {
        Read(M, Map, &kReadSite);
        Iterate(M, Map, &kIterSite);
      }
    });
  for (std::thread &T : Readers)
    T.join();
  EXPECT_EQ(M == Mode::Strict ? __mapguard::StrictTableOccupancy()
                              : __mapguard::FastTableOccupancy(),
            0u);
}

} // namespace
