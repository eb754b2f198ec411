//===-- test_util.h - Helpers for the runtime's unit tests ------*- C++ -*-===//
//
// The tests call the hooks directly with fake map addresses (the runtime
// never dereferences a map) and static sites, from threads they order with
// atomics, so that "A is writing while B starts" is a fact, not a hope.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_TEST_UTIL_H
#define MAPGUARD_TEST_UTIL_H

#include "mapguard_abi.h"
#include "mapguard_internal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace mapguard_test {

using __mapguard::Site;

enum class Mode { Strict, Fast };

inline const char *ModeName(Mode M) {
  return M == Mode::Strict ? "strict" : "fast";
}
inline void PrintTo(Mode M, std::ostream *OS) { *OS << ModeName(M); }

// Runs a value-parameterised suite once per mode, named by the mode:
//   INSTANTIATE_TEST_SUITE_P(Modes, MySuite, BothModes(), ModeParamName);
inline auto BothModes() { return ::testing::Values(Mode::Strict, Mode::Fast); }
inline std::string ModeParamName(const ::testing::TestParamInfo<Mode> &Info) {
  return ModeName(Info.param);
}

inline uintptr_t Begin(Mode M, uintptr_t Map, const Site *S) {
  return M == Mode::Strict ? __mapguard_write_begin((void *)Map, S)
                           : __mapguard_write_begin_fast((void *)Map, S);
}

inline void End(Mode M, uintptr_t Map, const Site *S, uintptr_t Token) {
  if (M == Mode::Strict)
    __mapguard_write_end((void *)Map, S, Token);
  else
    __mapguard_write_end_fast((void *)Map, S, Token);
}

// The calling thread's kernel thread id.
pid_t Gettid();

// Runs Print(fd) with fd a temporary file; returns what it wrote.
std::string CaptureOutput(const std::function<void(int)> &Print);

// A fake map address; distinct N give distinct, 8-aligned maps.
inline uintptr_t FakeMap(unsigned N) { return 0x7f0000100000u + 8u * N; }

// N distinct fake maps (starting at From) that share one strict bucket, or
// one fast slot, with From.
std::vector<uintptr_t> MapsSharingBucket(Mode M, uintptr_t From, size_t N);
// N distinct fake maps (starting at From) that share From's strict bucket
// and home slot in it.
std::vector<uintptr_t> MapsSharingHome(uintptr_t From, size_t N);

// A thread that begins a write to Map at S, then holds it until end() (or
// the destructor), when it ends the write and exits.
class HeldWrite {
public:
  HeldWrite(Mode M, uintptr_t Map, const Site *S,
            const char *ThreadName = "mg-holder");
  ~HeldWrite() { end(); }
  HeldWrite(const HeldWrite &) = delete;
  HeldWrite &operator=(const HeldWrite &) = delete;

  uintptr_t token() const { return Token; }
  pid_t tid() const { return Tid; }
  // Ends the write on the holding thread and joins it.
  void end();

private:
  std::thread Thread;
  std::atomic<bool> Began{false}, Release{false};
  uintptr_t Token = 0;
  pid_t Tid = 0;
};

// Names the calling thread (at most 15 characters).
void NameThisThread(const char *Name);

// Runs Body in a fork()ed child whose stdout and stderr go to files, then
// exit(0)s the child (so atexit handlers run). The child is killed by
// SIGALRM after 20 s.
struct ChildResult {
  int status = 0; // as from waitpid
  pid_t pid = 0;
  std::string out, err;
};
ChildResult RunInChild(const std::function<void()> &Body);

std::string ReadFile(const std::string &Path);
// Number of (non-overlapping) occurrences of Needle in Haystack.
size_t CountOf(const std::string &Haystack, const std::string &Needle);

// Tests whose threads must never be reported run with halt_on_error=0 and
// check that nothing was reported and every slot was released.
class NoReportTest : public ::testing::Test {
protected:
  void SetUp() override;
  void TearDown() override;

private:
  __mapguard::Options Saved;
  uint64_t ConflictsBefore = 0;
};

// A regex-safe literal for death-test patterns (POSIX extended).
std::string Quote(const std::string &Literal);

// The stand-alone claim step of a mode (StrictClaim / FastClaim).
inline uintptr_t Claim(Mode M, uintptr_t Map, const Site *S) {
  return M == Mode::Strict ? __mapguard::StrictClaim(Map, S)
                           : __mapguard::FastClaim(Map, S);
}

// Two sites writing one map, as the pass would describe them.
extern const Site kFirstSite;  // first.cpp:10:5 in writerA() [insert]
extern const Site kSecondSite; // second.cpp:20:7 in writerB(int) [operator[]]
extern const Site kThirdSite;  // third.cpp:30:9 in writerC() [erase]

// A death-test pattern for the whole report: Second (on thread SecondName)
// started writing Map while First (on FirstName) was; Container is the one
// of the site that found the conflict.
std::string ReportPattern(uintptr_t Map, const char *Container,
                          const Site &Second, const char *SecondName,
                          const Site &First, const char *FirstName);

} // namespace mapguard_test

#endif // MAPGUARD_TEST_UTIL_H
