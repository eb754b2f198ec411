//===-- read_check_test.cpp - Reads and iteration meet writers ------------===//
//
// __mapguard_read / __mapguard_iterate (and their fast twins) report a map
// that another thread is writing, with Go's two other messages, and mark
// nothing: readers never meet readers. __mapguard_read_window(_fast), at the
// end of a loop of lookups, also reports another thread's write that was in
// progress when the loop began or began and ended during it; so does
// __mapguard_iterate_window(_fast), where a loop over the map that begin()
// started ends, with the iteration's message.
//
//===----------------------------------------------------------------------===//

#include "test_util.h"

#include <chrono>
#include <csignal>
#include <regex>
#include <sched.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace mapguard_test;
using __mapguard::g_options;

namespace {

const Site kReadSite = {
    "reader.cpp", "lookup(int)", "std::map<int, int>", "find", 40, 11};
const Site kIterSite = {"reader.cpp", "dump()", "std::map<int, int>",
                        "begin",      50,       3};

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
  std::string Pattern = ReportPattern(Map, Reader.container, Reader, ReaderName,
                                      Writer, WriterName);
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

INSTANTIATE_TEST_SUITE_P(Modes, ReadCheckTest, BothModes(), ModeParamName);
INSTANTIATE_TEST_SUITE_P(Modes, ReadCheckDeathTest, BothModes(), ModeParamName);

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

TEST_P(ReadCheckDeathTest, FirstReadFindsAWriterThatComesAndGoesDuringItsHold) {
  // A thread's first read looks all through its hold, not only before and
  // after it: a write that begins after the reader's first look and ends
  // before the hold does (300 ms of a 2 s hold here) is found. (Looking
  // only at the hold's two ends, the child would exit 0.)
  Mode M = GetParam();
  uintptr_t Map = FakeMap(703);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        g_options.handoff_hold_us = 2000000;
        std::thread Reader([M, Map] {
          NameThisThread("mg-reader");
          Read(M, Map, &kReadSite); // the thread's first read: it holds
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        g_options.handoff_hold_us = 0; // the writer's first write: no hold
        {
          HeldWrite Writer(M, Map, &kFirstSite, "mg-writer");
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
        }
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
                        Map, kIterSite, "mg-reader", kSecondSite, "mg-writer"));
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

//===----------------------------------------------------------------------===//
// Read windows: __mapguard_read_window(_fast) at the end of a loop of lookups
//===----------------------------------------------------------------------===//
//
// The pass loads the map's slot key where the loop is entered (the snapshot:
// fast mode's slot, strict mode's home slot) and calls the window hook once
// at the loop's end; the loop's own lookups call nothing. The tests take the
// snapshot as the pass does (SlotKeyForTesting) and make another thread's
// write overlap the "loop" between the snapshot and the hook.
// An iteration window is the same for a loop over the map: the snapshot is
// taken just before begin(), and __mapguard_iterate_window(_fast) is called
// where the loop ends.

using __mapguard::CurrentThreadIndex;
using __mapguard::IsActiveKey;
using __mapguard::KeyAddress;
using __mapguard::KeyThreadIndex;
using __mapguard::kTombBit;
using __mapguard::MakeKey;

// What a window checks: a loop's lookups, or an iteration (begin() before
// the loop).
enum class Window { Reads, Iteration };

void ReadWindow(Mode M, uintptr_t Map, const Site *S, uint64_t Snapshot,
                Window W = Window::Reads) {
  if (W == Window::Iteration) {
    if (M == Mode::Strict)
      __mapguard_iterate_window((void *)Map, S, Snapshot);
    else
      __mapguard_iterate_window_fast((void *)Map, S, Snapshot);
  } else if (M == Mode::Strict) {
    __mapguard_read_window((void *)Map, S, Snapshot);
  } else {
    __mapguard_read_window_fast((void *)Map, S, Snapshot);
  }
}

// The key word of Map's slot, as the pass's snapshot loads it.
uint64_t SnapshotOf(Mode M, uintptr_t Map) {
  return __mapguard::SlotKeyForTesting(Map, M == Mode::Fast);
}

// True if Key is a tombstone of Map left by a thread other than the caller.
bool IsOthersTombstone(uint64_t Key, uintptr_t Map) {
  return (Key & kTombBit) && KeyAddress(Key) == Map &&
         KeyThreadIndex(Key) != CurrentThreadIndex();
}

// A named thread that writes Map at S when told to: begin() and end() run
// the hooks on it and return once they have. Unlike HeldWrite it stays
// alive after the write has ended (until destroyed, which ends a write
// still open), so that a report can still name it.
class WriterThread {
public:
  WriterThread(Mode M, uintptr_t Map, const Site *S, const char *Name)
      : M(M), Map(Map), S(S) {
    Thread = std::thread([this, Name] {
      NameThisThread(Name);
      for (;;) {
        if (const std::function<void()> *J = Job.load()) {
          (*J)();
          Job.store(nullptr);
        } else if (Quit.load()) {
          return;
        } else {
          sched_yield();
        }
      }
    });
  }
  ~WriterThread() {
    if (Open)
      end();
    Quit.store(true);
    Thread.join();
  }
  WriterThread(const WriterThread &) = delete;
  WriterThread &operator=(const WriterThread &) = delete;

  // Runs F on the thread and waits for it.
  void run(const std::function<void()> &F) {
    Job.store(&F);
    while (Job.load())
      sched_yield();
  }
  void begin() {
    run([this] { Token = Begin(M, Map, S); });
    Open = true;
  }
  void end() {
    run([this] { End(M, Map, S, Token); });
    Open = false;
  }
  void write() {
    begin();
    end();
  }
  uintptr_t token() const { return Token; }

private:
  Mode M;
  uintptr_t Map;
  const Site *S;
  uintptr_t Token = 0;
  bool Open = false;
  std::atomic<const std::function<void()> *> Job{nullptr};
  std::atomic<bool> Quit{false};
  std::thread Thread;
};

// Pattern with its "  while thread ..." line replaced by Line.
std::string WithWriterLine(std::string Pattern, const std::string &Line) {
  size_t At = Pattern.find("  while thread");
  size_t End = Pattern.find('\n', At);
  Pattern.replace(At, End - At, Line);
  return Pattern;
}

// The report of a read window (on ReaderName at Reader) that found Writer's
// write (on WriterName) begun and ended during its reads, or (W) of an
// iteration window that found it begun and ended during the iteration.
std::string WindowReportPattern(uintptr_t Map, const Site &Reader,
                                const char *ReaderName, const Site &Writer,
                                const char *WriterName,
                                Window W = Window::Reads) {
  bool Iteration = W == Window::Iteration;
  std::string Pattern =
      ReadReportPattern(Iteration ? "concurrent map iteration and map write"
                                  : "concurrent map read and map write",
                        Iteration ? "iteration" : "read", Map, Reader,
                        ReaderName, Writer, WriterName);
  const std::string From = " was writing it";
  size_t At = Pattern.find(From);
  Pattern.replace(At, From.size(),
                  Iteration ? " wrote it during this iteration"
                            : " wrote it during these reads");
  return Pattern;
}

const Site kWindowSite = {"loop.cpp",
                          "sumAll(std::vector<int> const&)",
                          "std::map<int, int>",
                          "find",
                          60,
                          13};

class ReadWindowTest : public NoReportTest,
                       public ::testing::WithParamInterface<Mode> {};
class ReadWindowDeathTest : public ::testing::TestWithParam<Mode> {};

INSTANTIATE_TEST_SUITE_P(Modes, ReadWindowTest, BothModes(), ModeParamName);
INSTANTIATE_TEST_SUITE_P(Modes, ReadWindowDeathTest, BothModes(),
                         ModeParamName);

TEST_P(ReadWindowDeathTest, WriteBegunAndEndedDuringTheReadsIsReported) {
  // Nothing in the slot when the loop began; at its end, another thread's
  // tombstone of the map, and the site its write left (fast: the slot's
  // site; strict: the site the end tagged).
  Mode M = GetParam();
  uintptr_t Map = FakeMap(730);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
        uint64_t Snapshot = SnapshotOf(M, Map);
        Writer.write();
        if (!IsOthersTombstone(SnapshotOf(M, Map), Map))
          _exit(3); // the write did not end in the map's slot
        ReadWindow(M, Map, &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WindowReportPattern(Map, kWindowSite, "mg-reader", kFirstSite,
                          "mg-writer"));
}

TEST_P(ReadWindowDeathTest, AWriterThatHasExitedKeepsItsNameAndTid) {
  // The write begun and ended during the reads was its thread's last: the
  // thread has exited (its /proc/self/task entry is gone) when the loop
  // ends, and the report still names it and gives its tid.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(737);
  ChildResult R = RunInChild([M, Map] {
    g_options.halt_on_error = false;
    NameThisThread("mg-reader");
    uint64_t Snapshot = SnapshotOf(M, Map);
    pid_t Tid = 0;
    std::thread Writer([M, Map, &Tid] {
      NameThisThread("mg-gone");
      Tid = Gettid();
      End(M, Map, &kFirstSite, Begin(M, Map, &kFirstSite));
    });
    Writer.join();
    std::string Task = "/proc/self/task/" + std::to_string(Tid);
    for (int I = 0; I < 5000 && access(Task.c_str(), F_OK) == 0; ++I)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (access(Task.c_str(), F_OK) == 0)
      _exit(3); // the thread is still there
    if (!IsOthersTombstone(SnapshotOf(M, Map), Map))
      _exit(4); // the write did not end in the map's slot
    printf("%d\n", int(Tid));
    fflush(stdout);
    ReadWindow(M, Map, &kWindowSite, Snapshot);
  });
  ASSERT_TRUE(WIFEXITED(R.status)) << R.err;
  EXPECT_EQ(WEXITSTATUS(R.status), 66) << R.err;
  ASSERT_NE(R.out, "");
  std::string Tid = R.out.substr(0, R.out.size() - 1);
  EXPECT_NE(R.err.find("  while thread " + Tid +
                       " \"mg-gone\" wrote it during these reads in "
                       "writerA() at first.cpp:10:5 [insert]\n"),
            std::string::npos)
      << R.err;
}

TEST_P(ReadWindowDeathTest, WriteAfterTheReadersOwnWriteIsReported) {
  // The snapshot is the reader's own tombstone of the map (it wrote the map
  // before the loop); another thread's replaces it during the reads.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(731);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        End(M, Map, &kThirdSite, Begin(M, Map, &kThirdSite));
        WriterThread Writer(M, Map, &kSecondSite, "mg-writer");
        uint64_t Snapshot = SnapshotOf(M, Map);
        if (Snapshot != (MakeKey(Map, CurrentThreadIndex()) | kTombBit))
          _exit(3);
        Writer.write();
        ReadWindow(M, Map, &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WindowReportPattern(Map, kWindowSite, "mg-reader", kSecondSite,
                          "mg-writer"));
}

TEST_P(ReadWindowDeathTest, WriteInProgressAtTheSnapshotIsReported) {
  // The loop began while another thread was writing the map; that write
  // has ended by the loop's end (its tombstone replaced its key).
  Mode M = GetParam();
  uintptr_t Map = FakeMap(732);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
        Writer.begin();
        uint64_t Snapshot = SnapshotOf(M, Map);
        if (!IsActiveKey(Snapshot) || KeyAddress(Snapshot) != Map)
          _exit(3); // the write is not in the map's slot
        Writer.end();
        ReadWindow(M, Map, &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WindowReportPattern(Map, kWindowSite, "mg-reader", kFirstSite,
                          "mg-writer"));
}

TEST_P(ReadWindowDeathTest, WriteInProgressAtTheSnapshotIsReportedUnnamed) {
  // As above, but by the loop's end another map's write (Maps[0], sharing
  // the slot) has replaced the write's tombstone: the snapshot alone is the
  // proof, and the write's site is gone with its tombstone.
  Mode M = GetParam();
  std::vector<uintptr_t> Maps = M == Mode::Strict
                                    ? MapsSharingHome(FakeMap(738), 2)
                                    : MapsSharingBucket(M, FakeMap(738), 2);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Writer(M, Maps[1], &kFirstSite, "mg-writer");
        WriterThread Other(M, Maps[0], &kThirdSite, "mg-other");
        Writer.begin();
        uint64_t Snapshot = SnapshotOf(M, Maps[1]);
        if (!IsActiveKey(Snapshot) || KeyAddress(Snapshot) != Maps[1])
          _exit(3); // the write is not in the map's slot
        Writer.end();
        Other.write();
        if (!IsOthersTombstone(SnapshotOf(M, Maps[1]), Maps[0]))
          _exit(4); // the other map's write did not replace the tombstone
        ReadWindow(M, Maps[1], &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WithWriterLine(WindowReportPattern(Maps[1], kWindowSite, "mg-reader",
                                         kFirstSite, "mg-writer"),
                     "  while thread [0-9]+ \"mg-writer\" wrote it during "
                     "these reads at <unknown site>"));
}

TEST_P(ReadWindowDeathTest, WriteStillInProgressAtTheEndIsAnOrdinaryRead) {
  // Begun during the reads and not ended: the read check's own report.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(733);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
        uint64_t Snapshot = SnapshotOf(M, Map);
        Writer.begin();
        ReadWindow(M, Map, &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map read and map write", "read", Map,
                        kWindowSite, "mg-reader", kFirstSite, "mg-writer"));
}

TEST_P(ReadWindowTest, UnchangedSlotIsSilent) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(734);
  // Nobody wrote the map (in strict mode its home slot may hold another
  // map's tombstone left by an earlier test: the key is unchanged).
  uint64_t Snapshot = SnapshotOf(M, Map);
  ASSERT_FALSE(IsActiveKey(Snapshot));
  ReadWindow(M, Map, &kWindowSite, Snapshot);
  // Another thread's write ended before the loop began: the snapshot is its
  // tombstone, and still in the slot at the end.
  WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
  Writer.write();
  Snapshot = SnapshotOf(M, Map);
  ASSERT_TRUE(IsOthersTombstone(Snapshot, Map)) << std::hex << Snapshot;
  ReadWindow(M, Map, &kWindowSite, Snapshot);
  ReadWindow(M, Map, &kWindowSite, Snapshot);
}

TEST_P(ReadWindowTest, TheReadersOwnWritesAreSilent) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(735);
  WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
  Writer.write();
  // Own write begun and ended during the reads, over another thread's
  // tombstone: the slot changed, to the reader's own tombstone.
  uint64_t Snapshot = SnapshotOf(M, Map);
  ASSERT_TRUE(IsOthersTombstone(Snapshot, Map)) << std::hex << Snapshot;
  End(M, Map, &kSecondSite, Begin(M, Map, &kSecondSite));
  uint64_t Mine = MakeKey(Map, CurrentThreadIndex());
  ASSERT_EQ(SnapshotOf(M, Map), Mine | kTombBit);
  ReadWindow(M, Map, &kWindowSite, Snapshot);
  // A loop inside the reader's own write: the snapshot is its own key, and
  // the write ends before the loop does.
  uintptr_t Token = Begin(M, Map, &kSecondSite);
  Snapshot = SnapshotOf(M, Map);
  ASSERT_EQ(Snapshot, Mine);
  End(M, Map, &kSecondSite, Token);
  ReadWindow(M, Map, &kWindowSite, Snapshot);
}

TEST_P(ReadWindowTest, AnotherMapsWriteInTheSlotIsSilent) {
  // Maps[0] shares Maps[1]'s slot (strict: its home slot). Another thread
  // writes Maps[0] during a loop over Maps[1]: begun and ended, then in
  // progress at the snapshot and ended after.
  Mode M = GetParam();
  std::vector<uintptr_t> Maps = M == Mode::Strict
                                    ? MapsSharingHome(FakeMap(736), 2)
                                    : MapsSharingBucket(M, FakeMap(736), 2);
  WriterThread Other(M, Maps[0], &kFirstSite, "mg-other");
  uint64_t Snapshot = SnapshotOf(M, Maps[1]);
  Other.write();
  uint64_t Key = SnapshotOf(M, Maps[1]);
  ASSERT_NE(Key, Snapshot);
  ASSERT_TRUE(IsOthersTombstone(Key, Maps[0])) << std::hex << Key;
  ReadWindow(M, Maps[1], &kWindowSite, Snapshot);
  Other.begin();
  Snapshot = SnapshotOf(M, Maps[1]);
  ASSERT_TRUE(IsActiveKey(Snapshot) && KeyAddress(Snapshot) == Maps[0])
      << std::hex << Snapshot;
  Other.end();
  ReadWindow(M, Maps[1], &kWindowSite, Snapshot);
}

// Iteration windows: __mapguard_iterate_window(_fast), with the site of the
// begin() that started the iteration (kIterSite).

TEST_P(ReadWindowDeathTest, WriteBegunAndEndedDuringTheIterationIsReported) {
  // Nothing in the slot just before begin(); where the loop ends, another
  // thread's tombstone of the map, and the site its write left.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(750);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-iterator");
        WriterThread Writer(M, Map, &kSecondSite, "mg-writer");
        uint64_t Snapshot = SnapshotOf(M, Map);
        Iterate(M, Map, &kIterSite); // begin()'s own check: nothing yet
        Writer.write();
        if (!IsOthersTombstone(SnapshotOf(M, Map), Map))
          _exit(3); // the write did not end in the map's slot
        ReadWindow(M, Map, &kIterSite, Snapshot, Window::Iteration); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WindowReportPattern(Map, kIterSite, "mg-iterator", kSecondSite,
                          "mg-writer", Window::Iteration));
}

TEST_P(ReadWindowDeathTest, WriteInProgressAtTheIterationsStartIsReported) {
  // The iteration began while another thread was writing the map (begin()'s
  // own check, not called here, would have reported it first); the write
  // has ended by the loop's end.
  Mode M = GetParam();
  uintptr_t Map = FakeMap(751);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-iterator");
        WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
        Writer.begin();
        uint64_t Snapshot = SnapshotOf(M, Map);
        if (!IsActiveKey(Snapshot) || KeyAddress(Snapshot) != Map)
          _exit(3); // the write is not in the map's slot
        Writer.end();
        ReadWindow(M, Map, &kIterSite, Snapshot, Window::Iteration); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WindowReportPattern(Map, kIterSite, "mg-iterator", kFirstSite,
                          "mg-writer", Window::Iteration));
}

TEST_P(ReadWindowDeathTest, WriteStillInProgressAtTheIterationsEndIsReported) {
  // Begun during the iteration and not ended: the iteration check's own
  // report ("was writing it").
  Mode M = GetParam();
  uintptr_t Map = FakeMap(752);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-iterator");
        WriterThread Writer(M, Map, &kThirdSite, "mg-writer");
        uint64_t Snapshot = SnapshotOf(M, Map);
        Writer.begin();
        ReadWindow(M, Map, &kIterSite, Snapshot, Window::Iteration); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map iteration and map write", "iteration",
                        Map, kIterSite, "mg-iterator", kThirdSite,
                        "mg-writer"));
}

TEST_P(ReadWindowTest, IterationOverAnUnchangedSlotIsSilent) {
  Mode M = GetParam();
  uintptr_t Map = FakeMap(753);
  // Nobody wrote the map during the iteration.
  uint64_t Snapshot = SnapshotOf(M, Map);
  ASSERT_FALSE(IsActiveKey(Snapshot));
  Iterate(M, Map, &kIterSite);
  ReadWindow(M, Map, &kIterSite, Snapshot, Window::Iteration);
  // Another thread's write ended before the iteration began: the snapshot is
  // its tombstone, still in the slot where the loop ends.
  WriterThread Writer(M, Map, &kFirstSite, "mg-writer");
  Writer.write();
  Snapshot = SnapshotOf(M, Map);
  ASSERT_TRUE(IsOthersTombstone(Snapshot, Map)) << std::hex << Snapshot;
  Iterate(M, Map, &kIterSite);
  ReadWindow(M, Map, &kIterSite, Snapshot, Window::Iteration);
}

// Strict mode only: a claim that is given back stores the slot's previous
// value again (the pass's inline claim does when it finds writes away from
// home). Here that value is an old tombstone of the loop's map, from a write
// that ended before the loop began, and the loop's snapshot saw the claim:
// the slot changed to that tombstone, which proves nothing.
class StrictReadWindowTest : public NoReportTest {};

TEST_F(StrictReadWindowTest, ClaimGivenBackOverAnOldTombstoneIsSilent) {
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(742), 2);
  WriterThread Old(Mode::Strict, Maps[0], &kThirdSite, "mg-old");
  Old.write();
  ASSERT_TRUE(Old.token() != 0 && !(Old.token() & 1)) << "not at home";
  // The token is the slot: { key, site } (runtime/mapguard_abi.h).
  auto *Key = reinterpret_cast<std::atomic<uint64_t> *>(Old.token());
  uint64_t Tomb = Key->load();
  ASSERT_TRUE(IsOthersTombstone(Tomb, Maps[0])) << std::hex << Tomb;
  WriterThread Other(Mode::Strict, Maps[1], &kFirstSite, "mg-other");
  bool Claimed = false;
  Other.run([&] {
    uint64_t Seen = Tomb;
    Claimed = Key->compare_exchange_strong(
        Seen, MakeKey(Maps[1], CurrentThreadIndex()));
  });
  ASSERT_TRUE(Claimed);
  uint64_t Snapshot = SnapshotOf(Mode::Strict, Maps[0]);
  ASSERT_TRUE(IsActiveKey(Snapshot) && KeyAddress(Snapshot) == Maps[1])
      << std::hex << Snapshot;
  Other.run([&] { Key->store(Tomb); }); // given back
  ReadWindow(Mode::Strict, Maps[0], &kWindowSite, Snapshot);
}

// Strict mode only: a write's end leaves its site tagged in the slot (for
// the windows above), and the next writer, of another map sharing the home
// slot, claims the slot before it stores its own site. Maps[0]'s write
// (kThirdSite, on "mg-old") ends at home; then "mg-writer" claims the slot
// for Maps[1] (kFirstSite) while a loop over Maps[1] runs.
TEST(StrictReadWindowDeathTest, NextWriterOfTheSlotIsNamedByItsOwnSite) {
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(740), 2);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Old(Mode::Strict, Maps[0], &kThirdSite, "mg-old");
        Old.write();
        uint64_t Snapshot = SnapshotOf(Mode::Strict, Maps[1]);
        WriterThread Writer(Mode::Strict, Maps[1], &kFirstSite, "mg-writer");
        Writer.begin();
        if (Old.token() == 0 || Writer.token() != Old.token())
          _exit(3); // not both at the shared home slot
        ReadWindow(Mode::Strict, Maps[1], &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      ReadReportPattern("concurrent map read and map write", "read", Maps[1],
                        kWindowSite, "mg-reader", kFirstSite, "mg-writer"));
}

TEST(StrictReadWindowDeathTest, NextWritersSiteNotStoredYetIsUnknown) {
  // The same, but "mg-writer" has only claimed the slot, as the pass's
  // inline claim does (CAS of the key word, the site stored after it): the
  // slot's site is still the ended write's, tagged, and must not be taken
  // for the new writer's.
  std::vector<uintptr_t> Maps = MapsSharingHome(FakeMap(741), 2);
  EXPECT_EXIT(
      {
        g_options.halt_on_error = true;
        NameThisThread("mg-reader");
        WriterThread Old(Mode::Strict, Maps[0], &kThirdSite, "mg-old");
        Old.write();
        uint64_t Snapshot = SnapshotOf(Mode::Strict, Maps[1]);
        if (Old.token() == 0 || (Old.token() & 1))
          _exit(3); // not at home
        // The token is the slot: { key, site } (runtime/mapguard_abi.h).
        auto *Key = reinterpret_cast<std::atomic<uint64_t> *>(Old.token());
        WriterThread Writer(Mode::Strict, Maps[1], &kFirstSite, "mg-writer");
        bool Claimed = false;
        Writer.run([&] {
          uint64_t Seen = Snapshot;
          Claimed = Key->compare_exchange_strong(
              Seen, MakeKey(Maps[1], CurrentThreadIndex()));
        });
        if (!Claimed)
          _exit(4); // the slot did not hold the old write's tombstone
        ReadWindow(Mode::Strict, Maps[1], &kWindowSite, Snapshot); // aborts
        _exit(0);
      },
      ::testing::KilledBySignal(SIGABRT),
      WithWriterLine(ReadReportPattern("concurrent map read and map write",
                                       "read", Maps[1], kWindowSite,
                                       "mg-reader", kFirstSite, "mg-writer"),
                     "  while thread [0-9]+ \"mg-writer\" was writing it at "
                     "<unknown site>"));
}

} // namespace
